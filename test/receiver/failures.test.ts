import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState, buildVerify } from '../../bin/cli/sample-events.ts';
import { AMT_SECRET_PLACEHOLDER, METRIC, PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import { createSecretsManagerAmtProvider, staticAmtProvider } from '../../lambda/receiver/signature-check.ts';
import { startTestQueue } from '../helpers/sqs.ts';
import { AMT, bodyOf, buildReceiver, httpApiEvent, NOW, signatureHeader, signedEvent } from './factories.ts';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/receiver';
const REFETCH_MS = PIPELINE_DEFAULTS.amtRefetchMinIntervalSeconds * 1000;

// Mocks are per client instance, so they never leak into a real client.
const sqsClient = new SQSClient({ region: 'us-east-1' });
const sqs = mockClient(sqsClient);
const secretsClient = new SecretsManagerClient({ region: 'us-east-1' });
const secrets = mockClient(secretsClient);

const event = (): ReturnType<typeof signedEvent> =>
  signedEvent(JSON.stringify(buildVehicleState({ eventId: 'evt-f' })));

/** A receiver whose AMT comes from the (mocked) Secrets Manager, on a hand-driven clock. */
function withSecretsManager(clock = { now: NOW }): ReturnType<typeof buildReceiver> & { clock: { now: number } } {
  const amt = createSecretsManagerAmtProvider({ secretId: 'amt', client: secretsClient, now: () => clock.now });
  return { ...buildReceiver({ sqs: sqsClient, queueUrl: QUEUE_URL, amt, now: () => clock.now }), clock };
}

beforeEach(() => {
  sqs.reset();
  secrets.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SQS failures answer 5xx, never 2xx', () => {
  it('answers 503 enqueue_failed when SendMessage fails after the retries', async () => {
    // Prepare
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error('We encountered an internal error'), { name: 'InternalError' }));
    const { handler, outcomes, telemetry } = buildReceiver({ sqs: sqsClient, queueUrl: QUEUE_URL });

    // Act
    const result = await handler(event());

    // Assess
    expect(result.statusCode).toBe(503);
    expect(result.body).toBe('{"error":"enqueue_failed"}');
    expect(outcomes[0]).toMatchObject({ code: 'enqueue_failed', enqueued: false, eventId: 'evt-f' });
    expect(telemetry.emf()[0]).toMatchObject({ [METRIC.ENQUEUE_FAILED]: 1 });
    expect(telemetry.logs()[0]).toMatchObject({ level: 'ERROR', code: 'enqueue_failed', error: 'InternalError' });
  });

  it('answers 503 when SQS answers without a MessageId', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({});
    const { handler, telemetry } = buildReceiver({ sqs: sqsClient, queueUrl: QUEUE_URL });

    // Act
    const result = await handler(event());

    // Assess
    expect(result.statusCode).toBe(503);
    expect(telemetry.logs()[0]).toMatchObject({
      level: 'ERROR',
      code: 'enqueue_failed',
      error: 'EnqueueUnconfirmedError',
    });
  });

  it('answers 503 when the real queue endpoint is down', async () => {
    // Prepare
    const queue = await startTestQueue('going-down');
    await queue.stop();
    const { handler } = buildReceiver({ sqs: queue.sqs, queueUrl: queue.queueUrl });

    // Act
    const result = await handler(event());

    // Assess
    expect(result.statusCode).toBe(503);
    expect(bodyOf(result)).toEqual({ error: 'enqueue_failed' });
  });
});

describe('signed bodies SQS could never store are quarantined, not refused', () => {
  it('quarantines a signed base64 body whose bytes are not UTF-8, and sends nothing', async () => {
    // Prepare: valid JSON around a latin1 byte (0xE9), which is not UTF-8.
    const bytes = Buffer.concat([
      Buffer.from('{"eventId":"evt-l","eventType":"VEHICLE_STATE","x":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}'),
    ]);
    const { handler, telemetry, quarantine } = buildReceiver({ sqs: sqsClient, queueUrl: QUEUE_URL });

    // Act
    const result = await handler(
      httpApiEvent({ body: bytes.toString('base64'), isBase64Encoded: true, headers: signatureHeader(bytes) }),
    );

    // Assess
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ status: 'quarantined' });
    expect(telemetry.logs()[0]).toMatchObject({ code: 'quarantined', reason: 'not_utf8' });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 0);
    expect((await quarantine.list!())[0]?.body.equals(bytes)).toBe(true);
  });

  it('quarantines a signed body when SQS refuses characters the receiver let through (a retry could never succeed)', async () => {
    // Prepare: SQS's character rule drifting from the receiver's own check.
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error('Invalid characters found'), { name: 'InvalidMessageContents' }));
    const { handler, outcomes, quarantine } = buildReceiver({ sqs: sqsClient, queueUrl: QUEUE_URL });
    const body = JSON.stringify(buildVehicleState({ eventId: 'evt-drift' }));

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(outcomes[0]).toMatchObject({ code: 'quarantined', enqueued: false, eventId: 'evt-drift' });
    expect((await quarantine.list!()).map((entry) => [entry.reason, entry.body.toString()])).toEqual([
      ['characters_sqs_refuses', body],
    ]);
  });
});

describe('secret failures answer 503, not 401', () => {
  it('answers 503 secret_unavailable when Secrets Manager cannot be read, and sends nothing', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const { handler, outcomes, telemetry } = withSecretsManager();

    // Act
    const result = await handler(event());

    // Assess
    expect(result.statusCode).toBe(503);
    expect(result.body).toBe('{"error":"secret_unavailable"}');
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
    expect(outcomes[0]).toMatchObject({ code: 'secret_unavailable', enqueued: false });
    expect(telemetry.logs()[0]).toMatchObject({ level: 'ERROR', reason: 'unavailable', cause: 'ThrottlingException' });
    expect(telemetry.emf()[0]).toMatchObject({ [METRIC.SECRET_UNAVAILABLE]: 1 });
  });

  it.each([
    ['the stack placeholder', { SecretString: AMT_SECRET_PLACEHOLDER }],
    ['an empty JSON secret', { SecretString: '{"current":""}' }],
  ])('answers 503 and logs "not_configured" for a secret holding %s', async (_label, output) => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves(output);
    const { handler, telemetry } = withSecretsManager();

    // Act
    const result = await handler(event());

    // Assess
    expect(result.statusCode).toBe(503);
    expect(telemetry.logs()[0]).toMatchObject({ reason: 'not_configured' });
    expect(String(telemetry.logs()[0]?.error)).toContain('not configured');
  });

  it('answers 503 to an unsigned VERIFY it cannot answer without the AMT', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).rejects(new Error('down'));
    const { handler } = withSecretsManager();

    // Act
    const result = await handler(httpApiEvent({ body: JSON.stringify(buildVerify({ challenge: 'abc123' })) }));

    // Assess
    expect(result.statusCode).toBe(503);
  });

  it('refuses a request without any signature with 401 without calling Secrets Manager', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).rejects(new Error('down'));
    const { handler } = withSecretsManager();

    // Act
    const result = await handler(httpApiEvent({ body: JSON.stringify(buildVehicleState()) }));

    // Assess
    expect(result.statusCode).toBe(401);
    expect(secrets).not.toHaveReceivedCommand(GetSecretValueCommand);
  });

  it('answers 503 when the refetch after a mismatch fails (the AMT may have rotated)', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: AMT }).rejects(new Error('down'));
    const { handler, clock } = withSecretsManager();
    await handler(event());
    clock.now += REFETCH_MS;

    // Act
    const result = await handler(signedEvent(JSON.stringify(buildVehicleState()), { amt: 'rotated-amt' }));

    // Assess
    expect(result.statusCode).toBe(503);
  });
});

describe('rotation without a redeploy', () => {
  it('picks up a rotated AMT on a mismatch once the refetch interval has passed', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: AMT })
      .resolves({ SecretString: JSON.stringify({ current: 'rotated-amt', previous: AMT }) });
    const { handler, clock } = withSecretsManager();
    const rotatedDelivery = (): ReturnType<typeof signedEvent> =>
      signedEvent(JSON.stringify(buildVehicleState()), { amt: 'rotated-amt' });

    // Act
    const before = await handler(event());
    const tooSoon = await handler(rotatedDelivery());
    clock.now += REFETCH_MS;
    const afterInterval = await handler(rotatedDelivery());
    const old = await handler(event());

    // Assess
    expect([before.statusCode, tooSoon.statusCode, afterInterval.statusCode, old.statusCode]).toEqual([
      200, 401, 200, 200,
    ]);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('rate-limits refetches: a flood of forged signatures costs one Secrets Manager call a minute', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: AMT });
    const { handler, clock, telemetry } = withSecretsManager();
    const forged = (): ReturnType<typeof signedEvent> =>
      signedEvent(JSON.stringify(buildVehicleState()), { amt: 'forged' });
    await handler(event());
    clock.now += REFETCH_MS;

    // Act
    const results = [];
    for (let i = 0; i < 30; i++) {
      results.push(await handler(forged()));
      clock.now += 1_000;
    }

    // Assess
    expect(results.every((r) => r.statusCode === 401)).toBe(true);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    const refetched = telemetry.logs().filter((line) => line.refetched === true);
    expect(refetched).toHaveLength(1);
  });
});

describe('the handler never throws', () => {
  it.each([
    ['null', null],
    ['a string', 'not an event'],
    ['an empty object', {}],
  ])('answers %s with a JSON response instead of throwing', async (_label, value) => {
    // Prepare
    const { handler, outcomes } = buildReceiver({ sqs: sqsClient, queueUrl: QUEUE_URL, amt: staticAmtProvider(AMT) });

    // Act
    const result = await handler(value as never);

    // Assess
    expect(result.statusCode).toBeGreaterThanOrEqual(400);
    expect(() => bodyOf(result)).not.toThrow();
    expect(outcomes).toHaveLength(1);
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('answers 500 internal_error when a dependency misbehaves unexpectedly', async () => {
    // Prepare
    const amt = { get: async () => null as never, refreshAfterMismatch: async () => undefined };
    const { handler, telemetry } = buildReceiver({ sqs: sqsClient, queueUrl: QUEUE_URL, amt });

    // Act
    const result = await handler(event());

    // Assess
    expect(result.statusCode).toBe(500);
    expect(result.body).toBe('{"error":"internal_error"}');
    expect(telemetry.logs()[0]).toMatchObject({ level: 'ERROR', code: 'internal_error' });
  });

  it('keeps the answer when the onOutcome observer throws', async () => {
    // Prepare
    const { handler } = buildReceiver({
      sqs: sqsClient,
      queueUrl: QUEUE_URL,
      onOutcome: () => {
        throw new Error('observer bug');
      },
    });

    // Act
    const result = await handler(event());

    // Assess
    expect(result.statusCode).toBe(200);
  });
});
