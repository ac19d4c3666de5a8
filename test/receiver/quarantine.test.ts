import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { EVENT_ID_MAX_BYTES } from '../../lambda/core/constants.ts';
import { QUARANTINE_PREFIX } from '../../lambda/core/quarantine-layout.ts';
import { sdkClientConfig } from '../../lambda/core/sdk-client.ts';
import { S3_CLIENT_SETTINGS } from '../../lambda/receiver/constants.ts';
import { createS3QuarantineStore } from '../../lambda/receiver/persist-delivery.ts';
import type { ReceiverEvent } from '../../lambda/receiver/types.ts';
import { startHangingServer } from '../helpers/hanging-server.ts';
import { type S3Stub, startS3Stub } from '../helpers/s3-stub.ts';
import { useTestQueue } from '../helpers/sqs.ts';
import {
  bodyOf,
  buildReceiver,
  functionUrlEvent,
  httpApiEvent,
  NOW,
  signatureHeader,
  signedEvent,
} from './factories.ts';

/**
 * The quarantine through the real receiver: a real S3 client (the receiver's settings, path-style)
 * against the S3 stand-in on loopback, and the fauxqs SQS emulator. Each body here got a 4xx on
 * the main branch, so Smartcar retried it three times and dropped it: now it is stored byte for
 * byte before the 200, and a failed store is a 503 Smartcar retries.
 */

const BUCKET = 'smartcar-archive';
/** Small, so an oversized body is cheap to build; the quarantine takes any size a front door passes. */
const MAX_BODY_BYTES = 8_192;
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

const queue = useTestQueue('quarantine');
let s3: S3Stub;

beforeAll(async () => {
  s3 = await startS3Stub();
});
beforeEach(() => {
  s3.buckets.set(BUCKET, new Map());
  s3.metadata.clear();
  s3.failPuts = false;
});
afterAll(async () => {
  await s3.close();
});

function s3Client(endpoint: string): S3Client {
  return new S3Client({
    ...sdkClientConfig(S3_CLIENT_SETTINGS, { endpoint, region: 'us-east-1', credentials: CREDENTIALS }),
    forcePathStyle: true,
  });
}

function receiverWithS3(endpoint = s3.url): ReturnType<typeof buildReceiver> {
  return buildReceiver({
    sqs: queue().sqs,
    queueUrl: queue().queueUrl,
    maxBodyBytes: MAX_BODY_BYTES,
    quarantine: createS3QuarantineStore({ bucket: BUCKET, client: s3Client(endpoint) }),
  });
}

const stored = (): Array<[string, Buffer]> => [...(s3.buckets.get(BUCKET) ?? new Map()).entries()];

const text = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
const signedBytes = (bytes: Buffer, base64 = false): ReceiverEvent =>
  httpApiEvent({
    body: bytes.toString(base64 ? 'base64' : 'utf8'),
    isBase64Encoded: base64,
    headers: signatureHeader(bytes),
  });

/** One signed body for each 4xx a signed delivery got on main, with the reason it is kept for. */
const refusedOnMain: Array<{ name: string; bytes: Buffer; event: (bytes: Buffer) => ReceiverEvent; reason: string }> = [
  {
    name: 'no eventType',
    bytes: text({ eventId: 'evt-q1', meta: { deliveryId: 'dlv-q1' }, data: {} }),
    event: (b) => signedBytes(b),
    reason: 'missing_event_type',
  },
  {
    name: 'an eventType that is not a string',
    bytes: text({ eventId: 'evt-q2', eventType: { name: 'VEHICLE_STATE' }, meta: { deliveryId: 'dlv-q2' } }),
    event: (b) => signedBytes(b),
    reason: 'missing_event_type',
  },
  {
    name: 'a JSON array',
    bytes: text([buildVehicleState({ eventId: 'evt-q3' })]),
    event: (b) => signedBytes(b),
    reason: 'not_json_object',
  },
  {
    name: 'bytes that are not UTF-8 (base64 from a Function URL)',
    bytes: Buffer.concat([
      Buffer.from('{"eventId":"evt-q4","eventType":"VEHICLE_STATE","x":"caf'),
      Buffer.from([0xe9, 0xff]),
      Buffer.from('"}'),
    ]),
    event: (b) => functionUrlEvent({ body: b, headers: signatureHeader(b) }),
    reason: 'not_utf8',
  },
  {
    name: 'a character SQS refuses (U+FFFF)',
    bytes: Buffer.from(JSON.stringify(buildVehicleState({ eventId: 'evt-q5' })).replace('"TESLA"', '"TESLA\uFFFF"')),
    event: (b) => signedBytes(b),
    reason: 'characters_sqs_refuses',
  },
  {
    name: 'an escaped control character that would reach an SQS attribute',
    bytes: Buffer.from(JSON.stringify(buildVehicleState({ eventId: 'evt-q6\u0001' }))),
    event: (b) => signedBytes(b),
    reason: 'characters_sqs_refuses',
  },
  {
    name: 'a lone surrogate, escaped, that would reach the eventId attribute',
    bytes: Buffer.from(JSON.stringify(buildVehicleState({ eventId: 'evt-q7\uD800' }))),
    event: (b) => signedBytes(b),
    reason: 'characters_sqs_refuses',
  },
  {
    name: 'an eventId too long for a DynamoDB key',
    bytes: text(buildVehicleState({ eventId: 'e'.repeat(EVENT_ID_MAX_BYTES + 1) })),
    event: (b) => signedBytes(b),
    reason: 'event_id_too_long',
  },
  {
    name: 'a body over MAX_BODY_BYTES (but within what the front door passes)',
    bytes: text({ ...buildVehicleState({ eventId: 'evt-q8' }), pad: 'x'.repeat(MAX_BODY_BYTES) }),
    event: (b) => signedBytes(b),
    reason: 'payload_too_large',
  },
  {
    name: 'a base64 body over MAX_BODY_BYTES',
    bytes: text({ ...buildVehicleState({ eventId: 'evt-q9' }), pad: 'y'.repeat(MAX_BODY_BYTES) }),
    event: (b) => signedBytes(b, true),
    reason: 'payload_too_large',
  },
];

describe('a signed body the queue cannot take is stored before it is answered', () => {
  it.each(refusedOnMain)(
    'keeps $name byte for byte under quarantine/$reason/, then answers 200',
    async ({ bytes, event, reason }) => {
      // Prepare
      const { handler, outcomes } = receiverWithS3();

      // Act
      const result = await handler(event(bytes));

      // Assess
      expect(result.statusCode).toBe(200);
      expect(bodyOf(result)).toEqual({ status: 'quarantined' });
      const objects = stored();
      expect(objects).toHaveLength(1);
      const [key, body] = objects[0]!;
      expect(key.startsWith(`${QUARANTINE_PREFIX}${reason}/2026/09/21/`)).toBe(true);
      expect(body.equals(bytes)).toBe(true);
      expect(s3.metadata.get(BUCKET)?.get(key)).toMatchObject({ reason, 'received-at': String(NOW), route: 'data' });
      expect(await queue().drain()).toEqual([]);
      expect(outcomes[0]).toMatchObject({ code: 'quarantined', statusCode: 200, signed: true, enqueued: false });
    },
  );

  it('keeps the ids a key and a header can carry, and files the error callback route as such', async () => {
    // Prepare
    const { handler } = receiverWithS3();
    const bytes = text({ eventId: 'evt-ids', meta: { deliveryId: 'dlv-ids' } });

    // Act
    await handler(signedEvent(bytes.toString(), { path: '/webhooks/smartcar/errors' }));

    // Assess
    const [key] = stored()[0]!;
    expect(key).toMatch(/^quarantine\/missing_event_type\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/dlv-ids\.[0-9a-f-]{36}$/);
    expect(s3.metadata.get(BUCKET)?.get(key)).toEqual({
      reason: 'missing_event_type',
      'received-at': String(NOW),
      route: 'error',
      'delivery-id': 'dlv-ids',
      'event-id': 'evt-ids',
    });
  });

  it('quarantines, not 503s, a body the queue refuses for characters the receiver let through', async () => {
    // Prepare: SQS documents #x10000-#x10FFFF (an emoji) as allowed, so the receiver's own check
    // sends it; fauxqs refuses it (AWS.SimpleQueueService.InvalidMessageContents), as a drift
    // between SQS and the check would.
    const { handler } = receiverWithS3();
    const body = JSON.stringify(buildVehicleState({ eventId: 'evt-emoji' })).replace('"TESLA"', '"TESLA 🚗"');

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(bodyOf(result)).toEqual({ status: 'quarantined' });
    expect(stored().map(([key, bytes]) => [key.split('/')[1], bytes.toString()])).toEqual([
      ['characters_sqs_refuses', body],
    ]);
    expect(await queue().drain()).toEqual([]);
  });

  it('still enqueues an ordinary delivery with one SendMessage and no S3 call', async () => {
    // Prepare
    const { handler } = receiverWithS3();
    const body = JSON.stringify(buildVehicleState({ eventId: 'evt-ordinary' }));

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ status: 'accepted' });
    expect(s3.puts).not.toContain(expect.stringContaining('evt-ordinary'));
    expect(stored()).toEqual([]);
    expect((await queue().drain()).map((message) => message.Body)).toEqual([body]);
  });
});

describe('a failed store is a 5xx, so Smartcar retries', () => {
  it('answers 503 quarantine_failed when S3 answers 500, and enqueues nothing', async () => {
    // Prepare
    s3.failPuts = true;
    const putsBefore = s3.puts.length;
    const { handler, outcomes, telemetry } = receiverWithS3();

    // Act
    const result = await handler(signedEvent('[1,2,3]'));

    // Assess
    expect(result.statusCode).toBe(503);
    expect(bodyOf(result)).toEqual({ error: 'quarantine_failed' });
    expect(s3.puts.length - putsBefore).toBe(S3_CLIENT_SETTINGS.maxAttempts);
    expect(stored()).toEqual([]);
    expect(await queue().drain()).toEqual([]);
    expect(outcomes[0]).toMatchObject({ code: 'quarantine_failed', signed: true });
    expect(telemetry.logs()[0]).toMatchObject({ level: 'ERROR', reason: 'not_json_object' });
    expect(telemetry.emf()[0]).toMatchObject({ QuarantineFailed: 1 });
  });

  it('answers 503 inside the function timeout when S3 hangs', async () => {
    // Prepare
    const hanging = await startHangingServer();
    const { handler } = receiverWithS3(hanging.url);
    const startedAt = Date.now();

    // Act
    const result = await handler(signedEvent('{"eventId":"evt-hang"}')).finally(() => hanging.close());

    // Assess
    expect(result.statusCode).toBe(503);
    expect(bodyOf(result)).toEqual({ error: 'quarantine_failed' });
    expect(Date.now() - startedAt).toBeLessThan(9_000);
  }, 15_000);

  it('stores the body on the retry once S3 is back', async () => {
    // Prepare
    const { handler } = receiverWithS3();
    const event = signedEvent('"just a string"');
    s3.failPuts = true;
    const first = await handler(event);
    s3.failPuts = false;

    // Act
    const retry = await handler(event);

    // Assess
    expect([first.statusCode, retry.statusCode]).toEqual([503, 200]);
    expect(stored().map(([, body]) => body.toString())).toEqual(['"just a string"']);
  });
});

describe('nothing unsigned is ever stored', () => {
  it.each([
    ['unsigned junk', httpApiEvent({ body: 'not json at all' }), 401],
    ['a body signed with another AMT', signedEvent('[1]', { amt: 'attacker-amt' }), 401],
    ['a malformed signature', httpApiEvent({ body: '[1]', headers: { 'sc-signature': 'sha256=nope' } }), 401],
    ['an unsigned body over the limit', httpApiEvent({ body: 'z'.repeat(MAX_BODY_BYTES + 1) }), 413],
    [
      'a body over the limit signed for other bytes',
      httpApiEvent({ body: 'z'.repeat(MAX_BODY_BYTES + 1), headers: signatureHeader('other') }),
      413,
    ],
  ])('answers %s with a 4xx and stores nothing', async (_name, event, status) => {
    // Prepare
    const { handler } = receiverWithS3();
    const putsBefore = s3.puts.length;

    // Act
    const result = await handler(event);

    // Assess
    expect(result.statusCode).toBe(status);
    expect(s3.puts.length).toBe(putsBefore);
    expect(stored()).toEqual([]);
  });

  it('refuses a stale delivery (the replay protection) even when it could not be processed, and stores nothing', async () => {
    // Prepare: the window on, and a body stamped an hour before the receiver's clock.
    const { handler } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      deliveryToleranceSeconds: 900,
      quarantine: createS3QuarantineStore({ bucket: BUCKET, client: s3Client(s3.url) }),
    });
    const body = JSON.stringify({ eventId: 'evt-old', meta: { deliveredAt: NOW - 3_600_000 } });

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ error: 'stale_delivery' });
    expect(stored()).toEqual([]);
  });
});
