import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { ENV } from '../../lambda/core/constants.ts';
import { functionUrlEvent, httpApiEvent } from './factories.ts';

const ENTRY = '../../lambda/receiver/index.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('the Lambda entry point', () => {
  it('loads without network and answers requests that need no AWS call', async () => {
    // Prepare
    vi.stubEnv(ENV.QUEUE_URL, 'https://sqs.us-east-1.amazonaws.com/000000000000/q');
    vi.stubEnv(ENV.AMT_SECRET_ID, 'arn:aws:secretsmanager:us-east-1:000000000000:secret:amt');
    vi.stubEnv(ENV.QUARANTINE_BUCKET_NAME, 'smartcar-archive');
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    const { handler } = (await import(ENTRY)) as typeof import('../../lambda/receiver/index.ts');

    // Act
    const notAllowed = await handler(httpApiEvent({ method: 'GET' }));
    const unsigned = await handler(httpApiEvent({ body: JSON.stringify(buildVehicleState()) }));

    // Assess
    expect(notAllowed.statusCode).toBe(405);
    expect(unsigned.statusCode).toBe(401);
    expect(written.join('')).toContain('"service":"smartcar-receiver"');
  });

  it('answers a Function URL event as it answers an HTTP API one', async () => {
    // Prepare
    vi.stubEnv(ENV.QUEUE_URL, 'https://sqs.us-east-1.amazonaws.com/000000000000/q');
    vi.stubEnv(ENV.AMT_SECRET_ID, 'arn:aws:secretsmanager:us-east-1:000000000000:secret:amt');
    vi.stubEnv(ENV.QUARANTINE_BUCKET_NAME, 'smartcar-archive');
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { handler } = (await import(ENTRY)) as typeof import('../../lambda/receiver/index.ts');

    // Act
    const notAllowed = await handler(functionUrlEvent({ method: 'GET' }));
    const unsigned = await handler(functionUrlEvent({ body: JSON.stringify(buildVehicleState()) }));

    // Assess
    expect(notAllowed.statusCode).toBe(405);
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.body).toBe('{"error":"signature_invalid"}');
  });

  it('fails at init with a clear error when QUEUE_URL is missing', async () => {
    // Prepare
    vi.stubEnv(ENV.QUEUE_URL, '');
    vi.stubEnv(ENV.AMT_SECRET_ID, 'amt');

    // Act
    const load = import(ENTRY);

    // Assess
    await expect(load).rejects.toThrow(`Environment variable ${ENV.QUEUE_URL} is required by the receiver`);
  });
});
