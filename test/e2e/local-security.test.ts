import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambda/core/constants.ts';
import { computeSignature } from '../../lambda/core/signature.ts';
import { allowHostOption } from '../../local/allowed-hosts.ts';
import { LOCAL_AMT_FILE_ENV, LOCAL_PATHS, LOCAL_TOKEN_HEADER } from '../../local/api/constants.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { type NpmStart, startNpmStart } from '../helpers/npm-start.ts';
import { errorDelivery, runTs, stateDelivery, verifyDelivery } from './support.ts';

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

  it('refuses a tunnel Host on the webhook route too when no --allow-host names it (the default)', async () => {
    // Prepare
    const challenge = 'no-flag-challenge';
    const verify = verifyDelivery(pipeline.amt, challenge);
    const post = (host: string) =>
      raw(pipeline.url, {
        method: 'POST',
        path: ROUTES.DATA_PATH,
        headers: { ...verify.headers, host },
        body: verify.body,
      });

    // Act
    const tunnelled = await post('abc.ngrok.app');
    const loopback = await post(`127.0.0.1:${port}`);

    // Assess
    expect(tunnelled.status).toBe(403);
    expect(loopback.status).toBe(200);
    expect(JSON.parse(loopback.body)).toEqual({ challenge: computeSignature(pipeline.amt, challenge) });
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

describe('--allow-host: a tunnel host reaches the webhook routes, and nothing else', () => {
  const tunnelHost = 'abc.ngrok.app';
  let pipeline: LocalPipeline;
  let port: string;

  beforeAll(async () => {
    pipeline = await startPipeline({ port: 0, quiet: true, logLevel: 'SILENT', allowedHosts: [tunnelHost] });
    port = new URL(pipeline.url).port;
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it('lets the allowed host (any case) reach the receiver on both webhook routes', async () => {
    // Prepare
    const challenge = 'tunnel-challenge-42';
    const verify = verifyDelivery(pipeline.amt, challenge);
    const vehicleError = errorDelivery(pipeline.amt);

    // Act
    const verified = await raw(pipeline.url, {
      method: 'POST',
      path: ROUTES.DATA_PATH,
      headers: { ...verify.headers, host: 'ABC.ngrok.APP' },
      body: verify.body,
    });
    const errorRoute = await raw(pipeline.url, {
      method: 'POST',
      path: ROUTES.ERROR_PATH,
      headers: { ...vehicleError.headers, host: tunnelHost },
      body: vehicleError.body,
    });

    // Assess
    expect(verified.status).toBe(200);
    expect(JSON.parse(verified.body)).toEqual({ challenge: computeSignature(pipeline.amt, challenge) });
    expect(errorRoute.status).toBe(200);
    expect((await pipeline.refreshStats()).received).toBe(2);
  });

  it('keeps the console, /_local/*, GET on a webhook path and both emulators from the allowed host', async () => {
    // Prepare
    const host = { host: tunnelHost };
    const { sqsEndpoint, dynamoEndpoint } = pipeline.endpoints;
    const before = (await pipeline.refreshStats()).received;

    // Act
    const answers = await Promise.all([
      raw(pipeline.url, { path: '/', headers: host }),
      raw(pipeline.url, { path: LOCAL_PATHS.STATS, headers: host }),
      raw(pipeline.url, { path: LOCAL_PATHS.ENDPOINTS, headers: host }),
      raw(pipeline.url, { path: ROUTES.DATA_PATH, headers: host }),
      raw(pipeline.url, {
        method: 'POST',
        path: LOCAL_PATHS.SEND,
        headers: { ...host, 'content-type': 'application/json', [LOCAL_TOKEN_HEADER]: pipeline.consoleToken },
        body: '{"kind":"state"}',
      }),
      raw(sqsEndpoint, { path: '/', headers: host }),
      raw(dynamoEndpoint, { method: 'POST', headers: host, body: '{}' }),
    ]);

    // Assess
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    expect(answers[1]?.body).toContain('may only POST to /webhooks/smartcar, /webhooks/smartcar/errors');
    expect((await pipeline.refreshStats()).received).toBe(before);
  });

  it('answers 403 everywhere to any other host, a sub- or parent domain, or the allowed name on another port', async () => {
    // Prepare
    const delivery = stateDelivery(pipeline.amt);
    const before = (await pipeline.refreshStats()).received;
    const others = ['rebind.attacker.example', `x.${tunnelHost}`, 'ngrok.app', `${tunnelHost}:${port}`];

    // Act
    const answers = await Promise.all(
      others.flatMap((host) => [
        raw(pipeline.url, {
          method: 'POST',
          path: ROUTES.DATA_PATH,
          headers: { ...delivery.headers, host },
          body: delivery.body,
        }),
        raw(pipeline.url, { path: LOCAL_PATHS.STATS, headers: { host } }),
      ]),
    );
    const loopback = await raw(pipeline.url, { path: LOCAL_PATHS.STATS, headers: { host: `localhost:${port}` } });

    // Assess
    expect(answers.map((a) => a.status)).toEqual(others.flatMap(() => [403, 403]));
    expect(loopback.status).toBe(200);
    expect((await pipeline.refreshStats()).received).toBe(before);
  });
});

describe('allowHostOption (the --allow-host values)', () => {
  it('keeps exact host names, lower-cased, with an optional port, once each', () => {
    // Act
    const hosts = allowHostOption(['Abc.ngrok.app', 'abc.ngrok.app', 'x-1.trycloudflare.com:8443'], '--allow-host');

    // Assess
    expect(hosts).toEqual(['abc.ngrok.app', 'x-1.trycloudflare.com:8443']);
    expect(allowHostOption(undefined, '--allow-host')).toEqual([]);
  });

  it('refuses an empty value, a URL, a path, a wildcard, a bad port or a loopback name, saying why', () => {
    // Prepare
    const attempt = (value: string) => () => allowHostOption([value], '--allow-host');

    // Assess
    expect(attempt('')).toThrow('--allow-host needs a host name, such as --allow-host abc.ngrok.app');
    expect(attempt('https://abc.ngrok.app/')).toThrow(
      '--allow-host takes a host name, not a URL: got "https://abc.ngrok.app/"; pass abc.ngrok.app',
    );
    expect(attempt('abc.ngrok.app/webhooks/smartcar')).toThrow(
      '--allow-host takes a host name without a path: got "abc.ngrok.app/webhooks/smartcar"; pass abc.ngrok.app',
    );
    expect(attempt('*.ngrok.app')).toThrow('--allow-host takes one exact host name, not a wildcard: got "*.ngrok.app"');
    expect(attempt('abc.ngrok.app:99999')).toThrow('--allow-host must be a host name with an optional :port');
    expect(attempt('abc..ngrok.app')).toThrow('--allow-host must be a host name with an optional :port');
    expect(attempt('localhost')).toThrow('loopback names reach everything already');
  });
});

describe('npm start -- --allow-host', () => {
  let start: NpmStart | undefined;

  afterAll(async () => {
    await start?.stop();
  });

  it('prints which hosts may reach what, and lets them reach the webhook route only', async () => {
    // Prepare
    const amt = 'allow-host-test-amt';
    start = await startNpmStart(['--in-memory', '--allow-host', 'Tunnel.Example.app', '--allow-host', 'b.example'], {
      SMARTCAR_AMT: amt,
    });
    const verify = verifyDelivery(amt, 'npm-start-challenge');

    // Act
    const webhook = await raw(start.url, {
      method: 'POST',
      path: ROUTES.DATA_PATH,
      headers: { ...verify.headers, host: 'tunnel.example.app' },
      body: verify.body,
    });
    const stats = await raw(start.url, { path: LOCAL_PATHS.STATS, headers: { host: 'tunnel.example.app' } });

    // Assess
    expect(start.output()).toContain(
      'Allowed hosts        tunnel.example.app, b.example (--allow-host): POST /webhooks/smartcar and /webhooks/smartcar/errors only; the console, /_local/* and the emulators stay loopback-only',
    );
    expect(webhook.status).toBe(200);
    expect(stats.status).toBe(403);
    expect(await start.stop()).toBe(0);
  });

  it('refuses a malformed value up front (exit 2, with the usage), starting nothing', async () => {
    // Act
    const run = await runTs('local/start.ts', ['--port', '0', '--in-memory', '--allow-host', 'https://abc.ngrok.app'], {
      env: { SMARTCAR_AMT: '', [LOCAL_AMT_FILE_ENV]: join(mkdtempSync(join(tmpdir(), 'allow-host-amt-')), 'amt') },
    });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--allow-host takes a host name, not a URL: got "https://abc.ngrok.app"; pass abc.ngrok.app',
    );
    expect(run.stderr).toContain('Usage: npm start');
    expect(run.stdout).not.toContain('local pipeline is running');
  });
});
