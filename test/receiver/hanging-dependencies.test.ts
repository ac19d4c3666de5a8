import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { ENV, METRIC } from '../../lambda/core/constants.ts';
import { SECRETS_CLIENT_SETTINGS, SQS_CLIENT_SETTINGS } from '../../lambda/receiver/constants.ts';
import type { ReceiverHandler } from '../../lambda/receiver/types.ts';
import { RECEIVER_DEFAULTS } from '../../lib/defaults.ts';
import { type HangingServer, startHangingServer } from '../helpers/hanging-server.ts';
import { type CapturedOutput, captureOutput } from '../helpers/output.ts';
import { type SecretsManagerStub, startSecretsManagerStub } from '../helpers/secrets-manager-stub.ts';
import { AMT, bodyOf, signedEvent } from './factories.ts';

const ENTRY = '../../lambda/receiver/index.ts';
const FUNCTION_TIMEOUT_MS = RECEIVER_DEFAULTS.timeoutSeconds * 1000;
// Bounded: a request timeout that only warns would hold the call for the SDK's 5 to 15 minutes.
const TEST_TIMEOUT_MS = FUNCTION_TIMEOUT_MS + 10_000;

let hanging: HangingServer;
let secrets: SecretsManagerStub;
let output: CapturedOutput;

beforeEach(async () => {
  vi.resetModules();
  [hanging, secrets] = await Promise.all([startHangingServer(), startSecretsManagerStub({ secretString: AMT })]);
  output = captureOutput();
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await Promise.all([hanging.close(), secrets.close()]);
});

/** The receiver exactly as Lambda loads it (`index.ts`, its own clients), aimed at the given endpoints. */
async function loadReceiver(endpoints: { sqs: string; secretsManager: string }): Promise<ReceiverHandler> {
  vi.stubEnv(ENV.QUEUE_URL, `${endpoints.sqs}/000000000000/events`);
  vi.stubEnv(ENV.AMT_SECRET_ID, 'amt');
  vi.stubEnv(ENV.QUARANTINE_BUCKET_NAME, 'smartcar-archive');
  vi.stubEnv('AWS_ENDPOINT_URL_SQS', endpoints.sqs);
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', endpoints.secretsManager);
  const { handler } = (await import(ENTRY)) as typeof import('../../lambda/receiver/index.ts');
  return handler;
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: Math.round(performance.now() - started) };
}

const delivery = (): ReturnType<typeof signedEvent> =>
  signedEvent(JSON.stringify(buildVehicleState({ eventId: 'evt-hang' })));

describe('receiver against endpoints that accept the connection and never answer', () => {
  it('answers 503 enqueue_failed inside the function timeout when SQS hangs', { timeout: TEST_TIMEOUT_MS }, async ({
    annotate,
  }) => {
    // Prepare
    const handler = await loadReceiver({ sqs: hanging.url, secretsManager: secrets.url });

    // Act
    const { result, ms } = await timed(() => handler(delivery()));
    await annotate(`503 after ${ms} ms`);

    // Assess
    expect(result.statusCode).toBe(503);
    expect(bodyOf(result)).toEqual({ error: 'enqueue_failed' });
    expect(ms).toBeLessThan(FUNCTION_TIMEOUT_MS);
    // Each attempt timed out, dropped its connection, and the SDK retried on a new one.
    expect(hanging.connections).toBe(SQS_CLIENT_SETTINGS.maxAttempts);
    expect(output.json()).toContainEqual(expect.objectContaining({ code: 'enqueue_failed', error: 'TimeoutError' }));
    expect(output.json()).toContainEqual(expect.objectContaining({ [METRIC.ENQUEUE_FAILED]: 1 }));
    expect(output.sdkWarnings()).toEqual([]);
  });

  it('answers 503 secret_unavailable inside the function timeout when Secrets Manager hangs, then without a call', {
    timeout: TEST_TIMEOUT_MS,
  }, async ({ annotate }) => {
    // Prepare
    const handler = await loadReceiver({ sqs: hanging.url, secretsManager: hanging.url });

    // Act
    const { result, ms } = await timed(() => handler(delivery()));
    const { result: next, ms: nextMs } = await timed(() => handler(delivery()));
    await annotate(`503 after ${ms} ms, the next one after ${nextMs} ms`);

    // Assess
    expect([result.statusCode, next.statusCode]).toEqual([503, 503]);
    expect([bodyOf(result), bodyOf(next)]).toEqual([{ error: 'secret_unavailable' }, { error: 'secret_unavailable' }]);
    expect(ms).toBeLessThan(FUNCTION_TIMEOUT_MS);
    // Two attempts for the first request; SQS never called; the second request remembered the failure.
    expect(hanging.connections).toBe(SECRETS_CLIENT_SETTINGS.maxAttempts);
    expect(output.json()).toContainEqual(
      expect.objectContaining({ code: 'secret_unavailable', reason: 'unavailable', cause: 'TimeoutError' }),
    );
    expect(output.sdkWarnings()).toEqual([]);
  });
});
