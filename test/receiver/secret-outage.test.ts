import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { createReceiverSecretsClient } from '../../lambda/receiver/clients.ts';
import { AMT_UNAVAILABLE_RETRY_SECONDS, SECRETS_CLIENT_SETTINGS } from '../../lambda/receiver/constants.ts';
import { createSecretsManagerAmtProvider } from '../../lambda/receiver/signature-check.ts';
import { type SecretsManagerStub, startSecretsManagerStub } from '../helpers/secrets-manager-stub.ts';
import { useTestQueue } from '../helpers/sqs.ts';
import { AMT, bodyOf, buildReceiver, signedEvent } from './factories.ts';

const WINDOW_MS = AMT_UNAVAILABLE_RETRY_SECONDS * 1000;
const testQueue = useTestQueue('secret-outage');

let stub: SecretsManagerStub;
let client: SecretsManagerClient;

beforeEach(async () => {
  stub = await startSecretsManagerStub({ secretString: AMT });
  // The Lambda's own client (settings, retries, keep-alive), aimed at the stub.
  client = createReceiverSecretsClient({ endpoint: stub.url });
});

afterEach(async () => {
  client.destroy();
  await stub.close();
});

/** The receiver reading its AMT through the Lambda's Secrets Manager client, on a hand-driven clock. */
function receiverDuringOutage(): ReturnType<typeof buildReceiver> & { clock: { now: number } } {
  const clock = { now: Date.now() };
  const amt = createSecretsManagerAmtProvider({ secretId: 'amt', client, now: () => clock.now });
  const { sqs, queueUrl } = testQueue();
  return { ...buildReceiver({ sqs, queueUrl, amt, now: () => clock.now }), clock };
}

const delivery = (): ReturnType<typeof signedEvent> => signedEvent(JSON.stringify(buildVehicleState()));

describe('a Secrets Manager outage costs one call per window, not one per delivery', () => {
  it('answers 100 concurrent and 100 later deliveries 503 with one GetSecretValue, and reads again after the window', async () => {
    // Prepare
    stub.failing = true;
    const { handler, clock, telemetry } = receiverDuringOutage();

    // Act
    const burst = await Promise.all(Array.from({ length: 100 }, () => handler(delivery())));
    const later = [];
    for (let i = 0; i < 100; i++) {
      clock.now += (WINDOW_MS - 1) / 100;
      later.push(await handler(delivery()));
    }
    const callsDuringWindow = stub.calls;
    stub.failing = false;
    clock.now += WINDOW_MS;
    const recovered = await handler(delivery());
    telemetry.restore();

    // Assess
    expect([...burst, ...later].every((result) => result.statusCode === 503)).toBe(true);
    expect(new Set([...burst, ...later].map((result) => bodyOf(result).error))).toEqual(
      new Set(['secret_unavailable']),
    );
    // One call (the SDK retried the 500 within it), shared by the concurrent first requests.
    expect(callsDuringWindow).toBe(1);
    expect(stub.requests).toBe(SECRETS_CLIENT_SETTINGS.maxAttempts + 1);
    expect(recovered.statusCode).toBe(200);
    expect(stub.calls).toBe(2);
    expect(await testQueue().drain()).toHaveLength(1);
    // The Lambda's client keeps its connection alive across calls.
    expect(stub.connections).toBe(1);
  });
});
