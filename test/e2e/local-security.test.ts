import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PATHS, LOCAL_TOKEN_HEADER } from '../../local/api/constants.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { stateDelivery } from './support.ts';

/** One raw HTTP request (fetch would not let a test set `Host`). */
function raw(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, method: options.method ?? 'GET', path: options.path ?? '/', headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('local security: loopback Hosts only, a token for every state change, emulators closed to browser pages', () => {
  let pipeline: LocalPipeline;
  let port: string;

  beforeAll(async () => {
    pipeline = await startPipeline({ port: 0, quiet: true, logLevel: 'SILENT' });
    port = new URL(pipeline.url).port;
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it('answers 403 to a foreign Host on every endpoint (a DNS-rebinding page), and serves loopback names', async () => {
    // Prepare
    const delivery = stateDelivery(pipeline.amt);
    const foreign = { host: `rebind.attacker.example:${port}` };

    // Act
    const answers = await Promise.all([
      raw(pipeline.url, { path: '/', headers: foreign }),
      raw(pipeline.url, { path: LOCAL_PATHS.STATS, headers: foreign }),
      raw(pipeline.url, { path: LOCAL_PATHS.DELIVERIES, headers: foreign }),
      raw(pipeline.url, {
        method: 'POST',
        path: '/webhooks/smartcar',
        headers: { ...delivery.headers, ...foreign },
        body: delivery.body,
      }),
      raw(pipeline.url, { path: LOCAL_PATHS.STATS, headers: { host: `127.0.0.1:${Number(port) + 1}` } }),
    ]);
    const loopback = await Promise.all([
      raw(pipeline.url, { path: LOCAL_PATHS.STATS, headers: { host: `localhost:${port}` } }),
      raw(pipeline.url, { path: LOCAL_PATHS.STATS, headers: { host: `127.0.0.1:${port}` } }),
    ]);

    // Assess
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403]);
    expect(loopback.map((a) => a.status)).toEqual([200, 200]);
    expect((await pipeline.refreshStats()).received).toBe(0);
  });

  it('refuses a POST without the page token, with a wrong one, or from another origin', async () => {
    // Prepare
    const send = (headers: Record<string, string>) =>
      raw(pipeline.url, {
        method: 'POST',
        path: LOCAL_PATHS.SEND,
        headers: { 'content-type': 'application/json', ...headers },
        body: '{"kind":"state"}',
      });

    // Act
    const [none, wrong, otherOrigin, sameOrigin] = [
      await send({}),
      await send({ [LOCAL_TOKEN_HEADER]: 'guessed' }),
      await send({ [LOCAL_TOKEN_HEADER]: pipeline.consoleToken, origin: 'https://attacker.example' }),
      await send({ [LOCAL_TOKEN_HEADER]: pipeline.consoleToken, origin: pipeline.url }),
    ];
    const page = await raw(pipeline.url, { path: '/' });

    // Assess
    expect([none.status, wrong.status, otherOrigin.status]).toEqual([403, 403, 403]);
    expect(sameOrigin.status).toBe(200);
    expect(JSON.parse(sameOrigin.body)).toMatchObject({ statusCode: 200, eventType: 'VEHICLE_STATE' });
    expect(page.body).toContain(`content="${pipeline.consoleToken}"`);
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('keeps both emulators from browser pages and foreign Hosts, and sends no CORS headers', async () => {
    // Prepare
    const { sqsEndpoint, dynamoEndpoint } = pipeline.endpoints;
    const dynamoCall = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      'x-amz-date': '20260101T000000Z',
      // dynalite checks that a signature is there, not what it is.
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
    };

    // Act
    const fromPage = await raw(dynamoEndpoint, {
      method: 'POST',
      headers: { ...dynamoCall, origin: 'https://attacker.example' },
      body: '{}',
    });
    const preflight = await raw(dynamoEndpoint, {
      method: 'OPTIONS',
      headers: { origin: 'https://attacker.example', 'access-control-request-method': 'POST' },
    });
    const rebound = await raw(sqsEndpoint, {
      path: '/',
      headers: { host: `attacker.example:${new URL(sqsEndpoint).port}` },
    });
    const sdkLike = await raw(dynamoEndpoint, { method: 'POST', headers: dynamoCall, body: '{}' });

    // Assess
    expect([fromPage.status, preflight.status, rebound.status]).toEqual([403, 403, 403]);
    expect(sdkLike.status).toBe(200);
    expect(sdkLike.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(sdkLike.body)).toHaveProperty('TableNames');
  });
});
