import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleError, buildVehicleState } from '../../bin/cli/sample-events.ts';
import { ENV, PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import { DYNAMODB_CLIENT_SETTINGS } from '../../lambda/processor/constants.ts';
import { type HangingServer, startHangingServer } from '../helpers/hanging-server.ts';
import { type CapturedOutput, captureOutput } from '../helpers/output.ts';
import { lambdaContext, sqsEvent, sqsRecord } from './helpers/factories.ts';

const ENTRY = '../../lambda/processor/index.ts';
const FUNCTION_TIMEOUT_MS = PIPELINE_DEFAULTS.processorTimeoutSeconds * 1000;
// Bounded: a request timeout that only warns would hold every call for the SDK's 5 minutes.
const TEST_TIMEOUT_MS = FUNCTION_TIMEOUT_MS + 10_000;

let hanging: HangingServer;
let output: CapturedOutput;

beforeEach(async () => {
  vi.resetModules();
  hanging = await startHangingServer();
  output = captureOutput();
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await hanging.close();
});

describe('processor against a DynamoDB endpoint that accepts the connection and never answers', () => {
  it('fails only the records that need DynamoDB, inside the function timeout, without a throw', {
    timeout: TEST_TIMEOUT_MS,
  }, async ({ annotate }) => {
    // Prepare
    vi.stubEnv(ENV.IDEMPOTENCY_TABLE_NAME, 'idempotency');
    vi.stubEnv(ENV.VEHICLE_STATE_TABLE_NAME, 'vehicle-state');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', hanging.url);
    const { handler } = (await import(ENTRY)) as typeof import('../../lambda/processor/index.ts');
    const state = sqsRecord(buildVehicleState({ vehicleId: 'veh-hang-1' }));
    const error = sqsRecord(buildVehicleError({ vehicleId: 'veh-hang-2' }));
    const unknownType = sqsRecord({ eventId: 'e-new', eventType: 'VEHICLE_COMMAND', data: {}, meta: {} });

    // Act
    const started = performance.now();
    const response = await handler(sqsEvent(state, error, unknownType), lambdaContext(FUNCTION_TIMEOUT_MS));
    const ms = Math.round(performance.now() - started);
    await annotate(`batch answered after ${ms} ms`);

    // Assess
    const failed = response.batchItemFailures.map((failure) => failure.itemIdentifier);
    expect(failed.sort()).toEqual([state.messageId, error.messageId].sort());
    expect(ms).toBeLessThan(FUNCTION_TIMEOUT_MS);
    // The idempotency record is the first call: Powertools used the configured client, and each
    // of its attempts timed out, dropped its connection, and was retried on a new one.
    expect(hanging.connections).toBe(2 * DYNAMODB_CLIENT_SETTINGS.maxAttempts);
    const failures = output.json().filter((line) => line.message === 'Event processing failed');
    expect(failures).toHaveLength(2);
    for (const line of failures) expect(line.error).toMatchObject({ cause: { name: 'TimeoutError' } });
    expect(output.sdkWarnings()).toEqual([]);
  });
});
