import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localQuarantineSource, requeueQuarantined, s3QuarantineSource } from '../../bin/cli/quarantine-operations.ts';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import { createIdempotencyStatusReader } from '../../lambda/processor/idempotency.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import { createS3QuarantineStore } from '../../lambda/receiver/persist-delivery.ts';
import { LocalQuarantineStore } from '../../local/quarantine-store.ts';
import { runTs } from '../e2e/support.ts';
import { type S3Stub, startS3Stub } from '../helpers/s3-stub.ts';
import { useTestQueue } from '../helpers/sqs.ts';
import { useDynamo } from '../processor/helpers/dynamo.ts';
import { lambdaContext, processorDeps, sqsEvent, sqsRecord } from '../processor/helpers/factories.ts';
import { buildReceiver, enqueuedAttributes, signedEvent } from '../receiver/factories.ts';

/**
 * A quarantined delivery goes through the pipeline again after a fix: the real receiver stores
 * it (its deployment's limit too small), `requeue` classifies it again with the raised limit and
 * sends it to the fauxqs queue with the attributes the receiver sets, and the real processor
 * handles it against dynalite. What the fix does not cover stays in the quarantine.
 */

/** The receiver's limit in the deployment that quarantined the body; the fix raises it to the default. */
const SMALL_LIMIT = 8_192;

const queue = useTestQueue('quarantine-requeue');
const { dynamo, tables } = useDynamo();
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'quarantine-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** A signed VEHICLE_STATE just over {@link SMALL_LIMIT}. */
function largeState(eventId: string): string {
  return JSON.stringify({
    ...buildVehicleState({ eventId, deliveryId: `dlv-${eventId}` }),
    pad: 'p'.repeat(SMALL_LIMIT),
  });
}

async function quarantineWithSmallLimit(bodies: readonly string[]): Promise<LocalQuarantineStore> {
  const store = new LocalQuarantineStore(dataDir);
  const { handler } = buildReceiver({
    sqs: queue().sqs,
    queueUrl: queue().queueUrl,
    maxBodyBytes: SMALL_LIMIT,
    quarantine: store,
  });
  for (const body of bodies) expect((await handler(signedEvent(body))).statusCode).toBe(200);
  expect(await queue().drain()).toEqual([]);
  return store;
}

describe('requeue after a fix', () => {
  it('sends a body quarantined for its size with the raised limit, with the receiver attributes, and the processor handles it', async () => {
    // Prepare
    const body = largeState('evt-large');
    const store = await quarantineWithSmallLimit([body]);
    const [entry] = await store.list();
    const names = await tables();
    const processor = createProcessorHandler(processorDeps(dynamo().client, names));

    // Act
    const outcomes = await requeueQuarantined(localQuarantineSource(store), queue(), [entry!.key], {
      maxBodyBytes: PIPELINE_DEFAULTS.maxBodyBytes,
    });
    const messages = await queue().drain();
    const result = await processor(sqsEvent(...messages.map((message) => sqsRecord(message.Body!))), lambdaContext());

    // Assess
    expect(outcomes).toEqual([
      expect.objectContaining({ outcome: 'requeued', eventType: 'VEHICLE_STATE', eventId: 'evt-large' }),
    ]);
    expect(messages.map((message) => message.Body)).toEqual([body]);
    expect(messages[0]?.MessageAttributes).toEqual(
      enqueuedAttributes({ eventId: 'evt-large', deliveryId: 'dlv-evt-large' }),
    );
    expect(result.batchItemFailures).toEqual([]);
    const status = createIdempotencyStatusReader({ dynamodb: dynamo().client, tableName: names.idempotencyTableName });
    expect(await status('evt-large')).toBe('COMPLETED');
    expect(await store.list()).toEqual([]);
  });

  it('leaves in the quarantine, with the reason it would get today, what the fix does not cover', async () => {
    // Prepare
    const store = await quarantineWithSmallLimit([largeState('evt-still'), '{"eventId":"evt-untyped"}']);
    const keys = (await store.list()).map((entry) => entry.key);

    // Act: the limit was never raised, and no code learnt to read a body without a type.
    const outcomes = await requeueQuarantined(localQuarantineSource(store), queue(), keys, {
      maxBodyBytes: SMALL_LIMIT,
    });

    // Assess
    expect(outcomes.map((outcome) => outcome.outcome === 'still_quarantined' && outcome.reason).sort()).toEqual([
      'missing_event_type',
      'payload_too_large',
    ]);
    expect(await queue().drain()).toEqual([]);
    expect((await store.list()).map((entry) => entry.key)).toEqual(keys);
  });

  it('keeps the local quarantine readable by its owner only', async () => {
    // Prepare / Act
    const store = await quarantineWithSmallLimit(['[1,2,3]']);
    const [entry] = await store.list();

    // Assess
    const { statSync } = await import('node:fs');
    const file = join(dataDir, entry!.key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}.meta.json`).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'quarantine')).mode & 0o777).toBe(0o700);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(entry).toMatchObject({ reason: 'not_json_object', route: 'data', body: Buffer.from('[1,2,3]') });
  });
});

describe('npm run quarantine against a bucket (a deployed stack, here the S3 stand-in)', () => {
  const BUCKET = 'smartcar-archive';
  let s3: S3Stub;
  const env = (): NodeJS.ProcessEnv => ({
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  const target = (): string[] => ['--bucket', BUCKET, '--queue-url', 'https://sqs.us-east-1.amazonaws.com/1/unused'];

  beforeAll(async () => {
    s3 = await startS3Stub();
  });
  afterAll(async () => {
    await s3.close();
  });

  it('lists and shows (the command) and requeues (its operation) what the receiver stored, byte for byte', async () => {
    // Prepare: the receiver stores into the bucket with the small limit of its deployment.
    s3.buckets.set(BUCKET, new Map());
    const client = new S3Client({
      endpoint: s3.url,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const { handler } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      maxBodyBytes: SMALL_LIMIT,
      quarantine: createS3QuarantineStore({ bucket: BUCKET, client }),
    });
    const body = largeState('evt-bucket');
    await handler(signedEvent(body));
    const [key] = [...s3.buckets.get(BUCKET)!.keys()];

    // Act
    const listed = await runTs('bin/quarantine.ts', ['list', '--json', ...target()], { env: env() });
    const shown = await runTs('bin/quarantine.ts', ['show', key!, ...target()], { env: env() });
    // The command's requeue is this operation on the same source; fauxqs' queue URL names a host
    // only the local client resolves, so it runs here rather than in the child process.
    const requeued = await requeueQuarantined(s3QuarantineSource(client, BUCKET), queue(), [key!]);

    // Assess
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ key, reason: 'payload_too_large', bytes: Buffer.byteLength(body) }),
    ]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(body);
    expect(shown.stderr).toContain('deliveryId: dlv-evt-bucket');
    expect(requeued).toEqual([expect.objectContaining({ outcome: 'requeued', eventId: 'evt-bucket' })]);
    expect((await queue().drain()).map((message) => message.Body)).toEqual([body]);
    expect([...s3.buckets.get(BUCKET)!.keys()]).toEqual([]);
  }, 60_000);
});
