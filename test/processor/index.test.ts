import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleError, buildVehicleState } from '../../bin/cli/sample-events.ts';
import { parseArchiveLine } from '../../lambda/core/archive-record.ts';
import { ENV } from '../../lambda/core/constants.ts';
import { createFirehoseArchiveWriter } from '../../lambda/processor/archive.ts';
import { ProcessorConfigError } from '../../lambda/processor/errors.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import { FLEET_LOG_LINE } from '../fixtures/custom-app/event-types.ts';
import { linesOfRecords, useFirehoseStub } from '../helpers/firehose-stub.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { captureStdout, lambdaContext, processorDeps, sqsEvent, sqsRecord } from './helpers/factories.ts';

const emulator = useDynamo();
const firehose = useFirehoseStub();
const STREAM = 'fleet-archive';

beforeEach(() => {
  vi.resetModules();
  captureStdout();
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('processor entry point (index.ts)', () => {
  it('builds the handler from the environment the stack sets and processes a batch', async () => {
    // Prepare
    const names = await emulator.tables();
    vi.stubEnv(ENV.IDEMPOTENCY_TABLE_NAME, names.idempotencyTableName);
    vi.stubEnv(ENV.VEHICLE_STATE_TABLE_NAME, names.vehicleStateTableName);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', emulator.dynamo().endpoint);
    const { handler } = await import('../../lambda/processor/index.ts');
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(sqsRecord(buildVehicleState())), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(output.lines()).toContainEqual(
      expect.objectContaining({ message: 'Batch done', service: 'smartcar-processor', processed: 1 }),
    );
  });

  it('fails at cold start, not per record, when a table name is missing', async () => {
    // Prepare
    vi.stubEnv(ENV.IDEMPOTENCY_TABLE_NAME, '');
    vi.stubEnv(ENV.VEHICLE_STATE_TABLE_NAME, 'state');

    // Act
    const load = import('../../lambda/processor/index.ts');

    // Assess
    // Compared by name: vi.resetModules() gives the freshly imported module its own error class.
    await expect(load).rejects.toMatchObject({
      name: 'ProcessorConfigError',
      message: expect.stringContaining(ENV.IDEMPOTENCY_TABLE_NAME),
    });
  });
});

/** The environment the construct gives a processor, on the emulators. */
async function stubConstructEnvironment(options: { vehicleStateStore: boolean }): Promise<void> {
  const names = await emulator.tables();
  vi.stubEnv(ENV.IDEMPOTENCY_TABLE_NAME, names.idempotencyTableName);
  vi.stubEnv(ENV.VEHICLE_STATE_TABLE_NAME, options.vehicleStateStore ? names.vehicleStateTableName : '');
  vi.stubEnv(ENV.ARCHIVE_STREAM_NAME, STREAM);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', emulator.dynamo().endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_FIREHOSE', firehose.stub().url);
}

describe('createProcessor: a processor of your own, configured by the construct', () => {
  it.each([
    ['with the vehicle-state store', true],
    ['without it (vehicleStateStore: false)', false],
  ])("archives the README's custom processor's records before its handlers run, %s", async (_label, store) => {
    // Prepare: test/fixtures/custom-app/handler.ts as its Lambda loads it
    await stubConstructEnvironment({ vehicleStateStore: store });
    const { handler } = await import('../fixtures/custom-app/handler.ts');
    const body = JSON.stringify(buildVehicleState());
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(sqsRecord(body)), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const archived = linesOfRecords(firehose.stub().records.get(STREAM) ?? []).map((line) => parseArchiveLine(line));
    expect(archived.map((line) => line.body)).toEqual([body]);
    expect(output.lines()).toContainEqual(expect.objectContaining({ message: FLEET_LOG_LINE }));
  });

  it('refuses to start a processor built without the archive writer while the environment names a stream', () => {
    // Prepare: the wiring the README's example had: every setting by hand, the archive forgotten
    vi.stubEnv(ENV.ARCHIVE_STREAM_NAME, STREAM);
    const deps = processorDeps(emulator.dynamo().client, { idempotencyTableName: 'i', vehicleStateTableName: 's' });

    // Act
    const build = () => createProcessorHandler(deps);

    // Assess
    expect(build).toThrow(ProcessorConfigError);
    expect(build).toThrow(`${ENV.ARCHIVE_STREAM_NAME} names the archive stream ${STREAM}`);
  });

  it('refuses to start a processor that archives to another stream than the environment names', () => {
    // Prepare
    vi.stubEnv(ENV.ARCHIVE_STREAM_NAME, STREAM);
    const archive = createFirehoseArchiveWriter({ firehose: firehose.client(), deliveryStreamName: 'audit-archive' });
    const deps = processorDeps(emulator.dynamo().client, { idempotencyTableName: 'i', vehicleStateTableName: 's' });

    // Act
    const build = () => createProcessorHandler({ ...deps, archive });

    // Assess
    expect(build).toThrow(
      `${ENV.ARCHIVE_STREAM_NAME} names the archive stream ${STREAM}, but this processor writes to audit-archive`,
    );
  });

  it('refuses the example handlers at cold start when there is no vehicle-state table to keep their state', async () => {
    // Prepare
    await stubConstructEnvironment({ vehicleStateStore: false });

    // Act
    const load = import('../../lambda/processor/index.ts');

    // Assess (by name: vi.resetModules() gives the fresh module its own error class)
    await expect(load).rejects.toMatchObject({
      name: 'ProcessorConfigError',
      message: expect.stringContaining(`${ENV.VEHICLE_STATE_TABLE_NAME} is not set`),
    });
  });

  it('fails only the record whose handler reaches for a vehicle store the stack did not make', async () => {
    // Prepare: handlers of one's own, one of which uses the store anyway
    await stubConstructEnvironment({ vehicleStateStore: false });
    const { createProcessor } = await import('../../lambda/processor/create-processor.ts');
    const handler = createProcessor({
      handlers: {
        VEHICLE_STATE: async () => undefined,
        VEHICLE_ERROR: async (event, { vehicleErrors }) => {
          await vehicleErrors.get(event.vehicleId);
        },
      },
    });
    const state = sqsRecord(buildVehicleState());
    const error = sqsRecord(buildVehicleError());

    // Act
    const response = await handler(sqsEvent(state, error), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: error.messageId }]);
  });
});
