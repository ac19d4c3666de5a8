import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { FIREHOSE_MAX_RECORD_BYTES, parseArchiveLine, serializeArchiveLine } from '../../lambda/core/archive-record.ts';
import { METRIC } from '../../lambda/core/constants.ts';
import { createFirehoseArchiveWriter, requestChunks } from '../../lambda/processor/archive.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import { linesOfRecord } from '../helpers/firehose-stub.ts';
import { useDynamo } from '../processor/helpers/dynamo.ts';
import { captureStdout, lambdaContext, processorDeps, sqsEvent } from '../processor/helpers/factories.ts';
import { deliveryRecord } from './helpers.ts';

const firehoseMock = mockClient(FirehoseClient);
const emulator = useDynamo();
const noPause = async (): Promise<void> => undefined;

beforeEach(() => {
  firehoseMock.reset();
  captureStdout();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function setup(maxRounds = 3) {
  const names = await emulator.tables();
  const ran: string[] = [];
  const deps = processorDeps(emulator.dynamo().client, names, {
    handlers: { VEHICLE_STATE: async (event) => void ran.push(event.eventId) },
    archive: createFirehoseArchiveWriter({
      firehose: new FirehoseClient({}),
      deliveryStreamName: 's',
      maxRounds,
      pause: noPause,
    }),
  });
  return { handler: createProcessorHandler(deps), ran, outcomes: deps.outcomes };
}

const batch = (...eventIds: string[]) =>
  eventIds.map((eventId) =>
    deliveryRecord(buildVehicleState({ eventId, vehicleId: `veh-${eventId}` }), { messageId: `m-${eventId}` }),
  );

describe('archive step: Firehose failures (SDK mocked)', () => {
  it('retries the packed record Firehose reported failed, then handles every record', async () => {
    // Prepare
    firehoseMock
      .on(PutRecordBatchCommand)
      .resolvesOnce({
        FailedPutCount: 1,
        RequestResponses: [{ ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'slow down' }],
      })
      .resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'r1' }] });
    const { handler, ran } = await setup();
    const records = batch('a', 'b', 'c');

    // Act
    const response = await handler(sqsEvent(...records), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(ran).toEqual(['a', 'b', 'c']);
    const calls = firehoseMock.commandCalls(PutRecordBatchCommand);
    expect(calls.map((call) => call.args[0].input.Records?.length)).toEqual([1, 1]);
    const resent = linesOfRecord(Buffer.from(calls[1]!.args[0].input.Records![0]!.Data!));
    expect(resent.map((line) => parseArchiveLine(line).eventId)).toEqual(['a', 'b', 'c']);
  });

  it('fails, without running their handlers, the records of a packed record Firehose keeps rejecting, and counts ArchiveFailed', async () => {
    // Prepare
    firehoseMock.on(PutRecordBatchCommand).resolves({
      FailedPutCount: 1,
      RequestResponses: [{ ErrorCode: 'InternalFailure' }],
    });
    const { handler, ran, outcomes } = await setup(3);
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(...batch('a', 'b')), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-a' }, { itemIdentifier: 'm-b' }]);
    expect(ran).toEqual([]);
    expect(firehoseMock).toHaveReceivedCommandTimes(PutRecordBatchCommand, 3);
    expect(outcomes.find((o) => o.messageId === 'm-b')).toMatchObject({ outcome: 'failed' });
    expect(output.metricTotal(METRIC.ARCHIVE_FAILED)).toBe(2);
    expect(output.metricTotal(METRIC.EVENT_ARCHIVED)).toBe(0);
  });

  it('fails every record of the batch when PutRecordBatch itself fails, and runs no handler', async () => {
    // Prepare
    firehoseMock
      .on(PutRecordBatchCommand)
      .rejects(Object.assign(new Error('stream unavailable'), { name: 'ResourceNotFoundException' }));
    const { handler, ran } = await setup(2);
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(...batch('a', 'b')), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-a' }, { itemIdentifier: 'm-b' }]);
    expect(ran).toEqual([]);
    expect(firehoseMock).toHaveReceivedCommandTimes(PutRecordBatchCommand, 2);
    expect(output.metricTotal(METRIC.ARCHIVE_FAILED)).toBe(2);
    expect(output.metricTotal(METRIC.HANDLER_FAILED)).toBe(0);
  });

  it('counts a final failed attempt of an archive failure, so FinalAttemptFailed fires before the DLQ', async () => {
    // Prepare
    firehoseMock.on(PutRecordBatchCommand).rejects(new Error('down'));
    const { handler } = await setup(1);
    const record = deliveryRecord(buildVehicleState({ eventId: 'z' }), { receiveCount: 3 });
    const output = captureStdout();

    // Act
    await handler(sqsEvent(record), lambdaContext());

    // Assess
    expect(output.metricTotal(METRIC.FINAL_ATTEMPT_FAILED)).toBe(1);
  });
});

describe('archive records and Firehose limits', () => {
  it('splits packed records into requests at 500 records and at 4 MiB, keeping order', () => {
    // Prepare
    const small = Array.from({ length: 1_001 }, (_v, i) => ({ ids: [`s${i}`], data: Buffer.alloc(10) }));
    const large = Array.from({ length: 9 }, (_v, i) => ({
      ids: [`l${i}`],
      data: Buffer.alloc(FIREHOSE_MAX_RECORD_BYTES),
    }));

    // Act
    const bySize = requestChunks(small).map((chunk) => chunk.length);
    const byBytes = requestChunks(large).map((chunk) => chunk.length);

    // Assess
    expect(bySize).toEqual([500, 500, 1]);
    expect(byBytes).toEqual([4, 4, 1]);
    expect(
      requestChunks(small)
        .flat()
        .flatMap((record) => record.ids),
    ).toEqual(small.flatMap((record) => record.ids));
  });

  it('stores a body too large for a Firehose record gzipped, and reads it back byte for byte', () => {
    // Prepare: an SQS-sized body (1 MiB), compressible as JSON is.
    const body = JSON.stringify({ eventId: 'big', eventType: 'VEHICLE_STATE', pad: '"x"'.repeat(350_000) });

    // Act
    const line = serializeArchiveLine({
      eventId: 'big',
      eventType: 'VEHICLE_STATE',
      route: 'data',
      receivedAt: 5,
      body,
    })!;

    // Assess
    expect(line.length).toBeLessThanOrEqual(FIREHOSE_MAX_RECORD_BYTES);
    expect(JSON.parse(line.toString()).bodyEncoding).toBe('gzip-base64');
    expect(parseArchiveLine(line.toString()).body).toBe(body);
  });

  it('fails, unarchived and unhandled, a record that does not fit a Firehose record even gzipped', async () => {
    // Prepare: random bytes do not compress.
    firehoseMock.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'r' }] });
    const { handler, ran } = await setup();
    const body = JSON.stringify({
      ...buildVehicleState({ eventId: 'huge' }),
      pad: randomBytes(800_000).toString('base64'),
    });
    const record = deliveryRecord(body, { messageId: 'm-huge' });

    // Act
    const response = await handler(sqsEvent(record), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-huge' }]);
    expect(ran).toEqual([]);
    expect(firehoseMock).not.toHaveReceivedCommand(PutRecordBatchCommand);
  });
});

describe('archive step: a Firehose that accepts the connection and never answers', () => {
  it('gives up at the archive deadline and fails the records back to SQS', async () => {
    // Prepare
    const { startHangingServer } = await import('../helpers/hanging-server.ts');
    const { createArchiveFirehoseClient } = await import('../../lambda/processor/clients.ts');
    firehoseMock.restore();
    const hanging = await startHangingServer();
    const firehose = createArchiveFirehoseClient({
      endpoint: hanging.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const writer = createFirehoseArchiveWriter({ firehose, deliveryStreamName: 's', deadlineMs: 600, pause: noPause });
    const started = Date.now();

    // Act
    const { failed } = await writer.write([{ id: 'm-1', line: Buffer.from('{}\n') }]);

    // Assess
    const elapsed = Date.now() - started;
    firehose.destroy();
    await hanging.close();
    expect([...failed.keys()]).toEqual(['m-1']);
    expect(elapsed).toBeLessThan(2_000);
  });
});
