import { request } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHttpServer, startLocalHttpServer } from '../../local/http-server.ts';

/** POSTs with raw headers (name, value, name, value...), so a header can repeat on the wire. */
function postRaw(url: string, rawHeaders: string[], body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: rawHeaders }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('local HTTP API stand-in: requests become payload-2.0 events', () => {
  let server: LocalHttpServer;
  const seen: APIGatewayProxyEventV2[] = [];
  let answer: () => Promise<APIGatewayProxyStructuredResultV2> = async () => ({ statusCode: 200, body: '{}' });
  const silent = { error: () => undefined };

  beforeAll(async () => {
    server = await startLocalHttpServer({
      port: 0,
      routes: ['/webhooks/smartcar'],
      invoke: async (event) => {
        seen.push(event);
        return answer();
      },
      getJson: { '/_local/stats': () => ({ ok: true }) },
      getJsonById: { '/_local/items': async (id: string) => (id.startsWith('known') ? { id } : undefined) },
      logger: silent,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('lowercases header names, joins repeated headers, splits cookies and keeps the raw JSON body as text', async () => {
    // Prepare
    const body = '{"eventType":"VERIFY", "x": "é"}';
    seen.length = 0;

    // Act
    const status = await postRaw(
      `${server.url}/webhooks/smartcar?a=1&a=2&b=3`,
      [
        'Host',
        new URL(server.url).host,
        'Content-Type',
        'application/json',
        'SC-Signature',
        'abc',
        'X-Multi',
        'one',
        'X-Multi',
        'two',
        'Cookie',
        'k1=v1; k2=v2',
      ],
      body,
    );

    // Assess
    expect(status).toBe(200);
    const event = seen[0]!;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /webhooks/smartcar',
      rawPath: '/webhooks/smartcar',
      rawQueryString: 'a=1&a=2&b=3',
      queryStringParameters: { a: '1,2', b: '3' },
      cookies: ['k1=v1', 'k2=v2'],
      body,
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/webhooks/smartcar', sourceIp: '127.0.0.1' },
        stage: '$default',
      },
    });
    expect(event.headers['sc-signature']).toBe('abc');
    expect(event.headers['x-multi']).toBe('one,two');
    expect(event.headers).not.toHaveProperty('cookie');
  });

  it('base64-encodes a body whose content type is not text, byte for byte', async () => {
    // Prepare
    const bytes = Buffer.from([0x7b, 0xff, 0x00, 0x7d]);
    seen.length = 0;

    // Act
    await fetch(`${server.url}/webhooks/smartcar`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });

    // Assess
    expect(seen[0]!.isBase64Encoded).toBe(true);
    expect(Buffer.from(seen[0]!.body!, 'base64').equals(bytes)).toBe(true);
  });

  it("writes the integration's status, headers and body back", async () => {
    // Prepare
    answer = async () => ({
      statusCode: 401,
      headers: { 'Content-Type': 'application/json' },
      body: '{"error":"signature_invalid"}',
    });

    // Act
    const response = await fetch(`${server.url}/webhooks/smartcar`, { method: 'POST', body: '{}' });

    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{"error":"signature_invalid"}');
  });

  it('answers 500 Internal Server Error when the integration throws, as API Gateway does', async () => {
    // Prepare
    answer = async () => {
      throw new Error('crash');
    };

    // Act
    const response = await fetch(`${server.url}/webhooks/smartcar`, { method: 'POST', body: '{}' });

    // Assess
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('answers 404 for unknown paths and methods without calling the integration, and serves the JSON endpoints', async () => {
    // Prepare
    seen.length = 0;

    // Act
    const unknown = await fetch(`${server.url}/other`, { method: 'POST', body: '{}' });
    const put = await fetch(`${server.url}/webhooks/smartcar`, { method: 'PUT', body: '{}' });
    const stats = await fetch(`${server.url}/_local/stats`);

    // Assess
    expect([unknown.status, put.status]).toEqual([404, 404]);
    expect(seen).toHaveLength(0);
    expect(await stats.json()).toEqual({ ok: true });
  });

  it('serves one item by id, decoded, and 404 for an unknown id, a nested path or another method', async () => {
    // Prepare
    const base = `${server.url}/_local/items`;

    // Act
    const known = await fetch(`${base}/known%20one`);
    const answers = await Promise.all([
      fetch(`${base}/missing`),
      fetch(`${base}/known/nested`),
      fetch(`${base}/`),
      fetch(`${base}/known%E0%A4%A`),
      fetch(`${base}/known`, { method: 'POST', body: '{}' }),
    ]);

    // Assess
    expect([known.status, await known.json()]).toEqual([200, { id: 'known one' }]);
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
  });
});
