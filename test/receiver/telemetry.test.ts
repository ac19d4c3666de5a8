import { createHash } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState, buildVerify } from '../../bin/cli/sample-events.ts';
import {
  EVENT_TYPE_DIMENSION,
  METRIC,
  REFUSAL_REASON_DIMENSION,
  SERVICE,
  SQS_MAX_MESSAGE_BYTES,
} from '../../lambda/core/constants.ts';
import { computeSignature } from '../../lambda/core/signature.ts';
import { staticAmtProvider } from '../../lambda/receiver/signature-check.ts';
import { buildReceiver, httpApiEvent, signedEvent } from './factories.ts';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/receiver';
const SECRET_AMT = 'super-secret-amt-value-4242';
const OLD_AMT = 'previous-secret-amt-value-1717';
const VIN = '5YJ3E1EA7KF317000';

// The SQS side is not what is observed here; an instance mock keeps these tests fast.
const sqsClient = new SQSClient({ region: 'us-east-1' });
const sqs = mockClient(sqsClient);

const vehicleBody = (): string => {
  const payload = buildVehicleState({ eventId: 'evt-t', deliveryId: 'dlv-t' });
  (payload.data as { vehicle: Record<string, unknown> }).vehicle.vin = VIN;
  return JSON.stringify(payload);
};

function receiver(): ReturnType<typeof buildReceiver> {
  return buildReceiver({
    sqs: sqsClient,
    queueUrl: QUEUE_URL,
    amt: staticAmtProvider({ current: SECRET_AMT, previous: OLD_AMT }),
    maxBodyBytes: 64_000,
  });
}

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('one log line and one metrics line per request', () => {
  it('reports an accepted event at INFO, with EventReceived by event type, in under 1 KB', async () => {
    // Prepare
    const { handler, telemetry } = receiver();
    const body = vehicleBody();

    // Act
    await handler(signedEvent(body, { amt: SECRET_AMT }));

    // Assess
    const [log, ...moreLogs] = telemetry.logs();
    const [emf, ...moreEmf] = telemetry.emf();
    expect(moreLogs).toEqual([]);
    expect(moreEmf).toEqual([]);
    expect(log).toMatchObject({
      level: 'INFO',
      service: SERVICE.RECEIVER,
      code: 'enqueued',
      status: 200,
      eventType: 'VEHICLE_STATE',
      eventId: 'evt-t',
      deliveryId: 'dlv-t',
      bodyBytes: Buffer.byteLength(body),
    });
    expect(emf).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          { Dimensions: [['service', EVENT_TYPE_DIMENSION]], Metrics: [{ Name: METRIC.EVENT_RECEIVED }] },
        ],
      },
      [EVENT_TYPE_DIMENSION]: 'VEHICLE_STATE',
      [METRIC.EVENT_RECEIVED]: 1,
    });
    expect(Buffer.byteLength(telemetry.output())).toBeLessThan(1_024);
  });

  it.each([
    [
      'an unsigned VERIFY',
      () => httpApiEvent({ body: JSON.stringify(buildVerify({ challenge: 'abc' })) }),
      METRIC.VERIFY_ANSWERED,
      'INFO',
    ],
    [
      'an oracle attempt',
      () => httpApiEvent({ body: JSON.stringify(buildVerify({ challenge: '{"a":1}' })) }),
      METRIC.VERIFY_REFUSED,
      'WARN',
    ],
    ['a forged delivery', () => signedEvent(vehicleBody(), { amt: 'forged' }), METRIC.SIGNATURE_INVALID, 'WARN'],
    ['an unsigned oversized body', () => httpApiEvent({ body: 'x'.repeat(64_001) }), METRIC.PAYLOAD_TOO_LARGE, 'WARN'],
    ['an unsigned empty body', () => httpApiEvent({ body: '' }), METRIC.BAD_REQUEST, 'WARN'],
    ['a GET', () => httpApiEvent({ method: 'GET' }), METRIC.BAD_REQUEST, 'WARN'],
  ])('reports %s with %s on the [service] dimension only', async (_label, makeEvent, metric, level) => {
    // Prepare
    const { handler, telemetry } = receiver();

    // Act
    await handler(makeEvent());

    // Assess
    expect(telemetry.logs()).toHaveLength(1);
    expect(telemetry.logs()[0]?.level).toBe(level);
    expect(telemetry.emf()).toHaveLength(1);
    expect(telemetry.emf()[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Dimensions: [['service']], Metrics: [{ Name: metric }] }] },
      [metric]: 1,
    });
    expect(telemetry.emf()[0]).not.toHaveProperty(EVENT_TYPE_DIMENSION);
  });

  it('keeps concurrent requests apart on a shared Metrics instance', async () => {
    // Prepare
    const { handler, telemetry } = receiver();
    const events = [
      signedEvent(vehicleBody(), { amt: SECRET_AMT }),
      signedEvent(vehicleBody(), { amt: 'forged' }),
      signedEvent(vehicleBody(), { amt: SECRET_AMT }),
    ];

    // Act
    await Promise.all(events.map((event) => handler(event)));

    // Assess
    const emf = telemetry.emf();
    expect(emf).toHaveLength(3);
    const byType = emf.filter((line) => METRIC.EVENT_RECEIVED in line);
    const invalid = emf.filter((line) => METRIC.SIGNATURE_INVALID in line);
    expect(byType).toHaveLength(2);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).not.toHaveProperty(EVENT_TYPE_DIMENSION);
  });
});

describe('signed deliveries quarantined', () => {
  /** A signed body of exactly the receiver limit: it passes the size check, but not SQS's with the attributes. */
  const fullSizeBody = (): string => {
    const head = JSON.stringify({ eventId: 'evt-big', eventType: 'VEHICLE_STATE', pad: '' });
    return head.replace('"pad":""', `"pad":"${'x'.repeat(SQS_MAX_MESSAGE_BYTES - head.length)}"`);
  };

  it.each([
    ['a signed array', () => signedEvent('[]', { amt: SECRET_AMT }), 64_000, 'not_json_object'],
    [
      'a signed body without eventType',
      () => signedEvent('{"eventId":"e-1"}', { amt: SECRET_AMT }),
      64_000,
      'missing_event_type',
    ],
    [
      'a signed body SQS cannot store with its attributes',
      () => signedEvent(fullSizeBody(), { amt: SECRET_AMT }),
      SQS_MAX_MESSAGE_BYTES,
      'payload_too_large',
    ],
  ])(
    'counts %s as Quarantined, in total and by reason, on one line',
    async (_label, makeEvent, maxBodyBytes, reason) => {
      // Prepare
      const { handler, telemetry } = buildReceiver({
        sqs: sqsClient,
        queueUrl: QUEUE_URL,
        amt: staticAmtProvider({ current: SECRET_AMT }),
        maxBodyBytes,
      });

      // Act
      const result = await handler(makeEvent());

      // Assess
      expect(result.statusCode).toBe(200);
      expect(telemetry.emf()).toHaveLength(1);
      expect(telemetry.emf()[0]).toMatchObject({
        _aws: {
          CloudWatchMetrics: [
            {
              Dimensions: [['service'], ['service', REFUSAL_REASON_DIMENSION]],
              Metrics: [{ Name: METRIC.QUARANTINED }],
            },
          ],
        },
        service: SERVICE.RECEIVER,
        [REFUSAL_REASON_DIMENSION]: reason,
        [METRIC.QUARANTINED]: 1,
      });
    },
  );

  it('logs one WARN line "delivery quarantined" with reason, deliveryId, eventId and bytes, never the body or the signature', async () => {
    // Prepare
    const { handler, telemetry } = receiver();
    const body = JSON.stringify({ eventId: 'evt-q', meta: { deliveryId: 'dlv-q' }, data: { vin: VIN } });
    const event = signedEvent(body, { amt: SECRET_AMT });

    // Act
    await handler(event);

    // Assess
    expect(telemetry.logs()).toHaveLength(1);
    expect(telemetry.logs()[0]).toMatchObject({
      level: 'WARN',
      message: 'delivery quarantined',
      reason: 'missing_event_type',
      deliveryId: 'dlv-q',
      eventId: 'evt-q',
      bytes: Buffer.byteLength(body),
    });
    expect(telemetry.output()).not.toContain(body);
    expect(telemetry.output()).not.toContain(VIN);
    expect(telemetry.output()).not.toContain(event.headers['sc-signature']);
  });

  it("leaves the outcome's own metric off a quarantined delivery's line, so no metric gets a reason series", async () => {
    // Prepare
    const { handler, telemetry } = receiver();

    // Act
    await handler(signedEvent('[]', { amt: SECRET_AMT }));

    // Assess
    const names = (
      telemetry.emf()[0]?._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> } | undefined
    )?.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((m) => m.Name));
    expect(names).toEqual([METRIC.QUARANTINED]);
  });

  it.each([
    ['an unsigned empty body (400)', () => httpApiEvent({ body: '' }), METRIC.BAD_REQUEST],
    ['a badly signed array (401)', () => signedEvent('[]', { amt: 'forged' }), METRIC.SIGNATURE_INVALID],
    [
      'an unsigned body over the limit, refused before the signature is checked (413)',
      () => httpApiEvent({ body: 'x'.repeat(64_001) }),
      METRIC.PAYLOAD_TOO_LARGE,
    ],
    ['an accepted event (200)', () => signedEvent(vehicleBody(), { amt: SECRET_AMT }), METRIC.EVENT_RECEIVED],
  ])('does not count %s', async (_label, makeEvent, metric) => {
    // Prepare
    const { handler, telemetry } = receiver();

    // Act
    await handler(makeEvent());

    // Assess
    expect(telemetry.emf()).toHaveLength(1);
    expect(telemetry.emf()[0]).toHaveProperty(metric, 1);
    expect(telemetry.emf()[0]).not.toHaveProperty(METRIC.SIGNED_DELIVERY_REFUSED);
    expect(telemetry.emf()[0]).not.toHaveProperty(METRIC.QUARANTINED);
    expect(telemetry.emf()[0]).not.toHaveProperty(REFUSAL_REASON_DIMENSION);
  });

  it('marks the outcome of a quarantined delivery as signed, and of an unsigned one as not', async () => {
    // Prepare
    const { handler, outcomes } = receiver();

    // Act
    await handler(signedEvent('[]', { amt: SECRET_AMT }));
    await handler(httpApiEvent({ body: '[]' }));

    // Assess
    expect(outcomes.map((o) => [o.code, o.signed])).toEqual([
      ['quarantined', true],
      ['signature_invalid', false],
    ]);
  });
});

describe('signature failure diagnostics', () => {
  it('logs body length, body SHA-256 and the tokens tried, but not the signature', async () => {
    // Prepare
    const { handler, telemetry } = receiver();
    const body = vehicleBody();
    const forgedSignature = computeSignature('forged', body);

    // Act
    await handler(httpApiEvent({ body, headers: { 'sc-signature': forgedSignature } }));

    // Assess
    expect(telemetry.logs()[0]).toMatchObject({
      level: 'WARN',
      code: 'signature_invalid',
      status: 401,
      bodyBytes: Buffer.byteLength(body),
      bodySha256: createHash('sha256').update(body).digest('hex'),
      signatureCheck: 'mismatch',
      tokensTried: ['current', 'previous'],
      refetched: false,
    });
    expect(telemetry.output()).not.toContain(forgedSignature);
  });

  it('tells a missing header from a malformed one', async () => {
    // Prepare
    const { handler, telemetry } = receiver();
    const body = vehicleBody();

    // Act
    await handler(httpApiEvent({ body }));
    await handler(httpApiEvent({ body, headers: { 'sc-signature': 'abc' } }));

    // Assess
    expect(telemetry.logs().map((line) => [line.signatureCheck, line.signatureLength, line.tokensTried])).toEqual([
      ['missing', undefined, []],
      ['malformed', 3, []],
    ]);
  });
});

describe('attacker-controlled ids', () => {
  it('cuts long ids read from an unsigned body before logging them', async () => {
    // Prepare
    const { handler, telemetry, outcomes } = receiver();
    const longId = 'e'.repeat(3_000);
    const body = JSON.stringify({ eventId: longId, eventType: 'VEHICLE_STATE' });

    // Act
    await handler(httpApiEvent({ body }));

    // Assess
    const logged = String(telemetry.logs()[0]?.eventId);
    expect(logged.length).toBeLessThanOrEqual(101);
    expect(outcomes[0]?.eventId?.length).toBeLessThanOrEqual(101);
    expect(Buffer.byteLength(telemetry.output())).toBeLessThan(1_024);
  });
});

describe('nothing secret or personal is ever written', () => {
  it('never writes the AMTs, a signature, a challenge answer, the body, the VIN or a location', async () => {
    // Prepare
    const { handler, telemetry } = receiver();
    const body = vehicleBody();
    const signatures = [
      computeSignature(SECRET_AMT, body),
      computeSignature(OLD_AMT, body),
      computeSignature('forged', body),
    ];
    const verifyBody = JSON.stringify(buildVerify({ challenge: 'abc123' }));
    const answers = [computeSignature(SECRET_AMT, 'abc123'), computeSignature(OLD_AMT, 'abc123')];

    // Act
    for (const signature of signatures) await handler(httpApiEvent({ body, headers: { 'sc-signature': signature } }));
    await handler(httpApiEvent({ body: verifyBody }));
    await handler(signedEvent(verifyBody, { amt: OLD_AMT }));
    await handler(httpApiEvent({ body: JSON.stringify(buildVerify({ challenge: body })) }));
    sqs.on(SendMessageCommand).rejects(new Error(`failed to send ${body}`));
    await handler(signedEvent(body, { amt: SECRET_AMT }));

    // Assess
    const output = telemetry.output();
    expect(telemetry.logs()).toHaveLength(7);
    for (const secret of [SECRET_AMT, OLD_AMT, ...signatures, ...answers, VIN, '37.7749', '-122.4194', 'abc123']) {
      expect(output).not.toContain(secret);
    }
  });
});
