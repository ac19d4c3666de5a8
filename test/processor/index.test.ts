import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { ENV } from '../../lambda/core/constants.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { captureStdout, lambdaContext, sqsEvent, sqsRecord } from './helpers/factories.ts';

const emulator = useDynamo();

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
