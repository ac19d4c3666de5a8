import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isAllowedHost } from './allowed-hosts.ts';
import { LOCAL_ADDRESS } from './api/constants.ts';
import { LOCAL_DEFAULTS } from './constants.ts';
import { toHttpApiEvent } from './http-event.ts';
import { isLoopbackHost } from './loopback-guard.ts';

/** A request to the local tooling (console, `/_local/*`), body read. */
export interface LocalApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** The answer to a {@link LocalApiRequest}. */
export interface LocalApiAnswer {
  statusCode: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

/** Calls the receiver with one HTTP API event (the local equivalent of the Lambda integration). */
export type HttpApiInvoker = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LocalHttpServerOptions {
  /** @default LOCAL_ADDRESS.host */
  host?: string;
  /** 0 picks a free port. @default LOCAL_ADDRESS.port */
  port?: number;
  /** Paths of the `POST` routes, each integrated with `invoke`. */
  routes: readonly string[];
  /**
   * `Host` values besides loopback ones that may reach the `POST` routes, and nothing else (a
   * tunnel's host name, `npm start -- --allow-host`; see `allowHostOption`). @default none
   */
  allowedHosts?: readonly string[];
  invoke: HttpApiInvoker;
  /** Extra `GET` endpoints answering JSON (local tooling: stats, endpoints). */
  getJson?: Record<string, () => unknown>;
  /**
   * `GET <path>/<id>` endpoints answering the JSON `read(id)` resolves to, or 404 when it resolves
   * to `undefined` (local tooling: a delivery's status).
   */
  getJsonById?: Record<string, (id: string) => unknown>;
  /** Everything else that is not a webhook route (the console and its API); `undefined` is 404. */
  handleLocal?: (request: LocalApiRequest) => Promise<LocalApiAnswer | undefined>;
  logger: Pick<Logger, 'error'>;
}

export interface LocalHttpServer {
  /** e.g. `http://127.0.0.1:3000`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The local stand-in for the HTTP API: `POST` on each route becomes a payload-2.0 event for
 * `invoke`; anything else gets API Gateway's own answers (404 `Not Found`, 413 for bodies over
 * 10 MB, 500 `Internal Server Error` when the integration throws). Every request whose `Host`
 * is not loopback on this server's port gets 403 first: a DNS-rebinding page reaches
 * 127.0.0.1 under its own host name. The one exception is `allowedHosts`: a `POST` on a route
 * under one of those gets through, anything else under them (the console, `/_local/*`) is 403
 * too.
 *
 * @example
 * ```ts
 * const http = await startLocalHttpServer({ routes: ['/webhooks/smartcar'], invoke, logger });
 * console.log(http.url);
 * await http.close();
 * ```
 */
export async function startLocalHttpServer(options: LocalHttpServerOptions): Promise<LocalHttpServer> {
  const host = options.host ?? LOCAL_ADDRESS.host;
  const routes = new Set(options.routes);
  let port = 0; // known once listening
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error('Local HTTP server failed to answer', { error });
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!isLoopbackHost(req.headers.host, port)) {
      const allowed = isAllowedHost(req.headers.host, options.allowedHosts ?? []);
      if (!allowed) {
        return sendJson(res, 403, {
          message: `Forbidden: use http://${LOCAL_ADDRESS.host}:${port} or http://localhost:${port}`,
        });
      }
      if (method !== 'POST' || !routes.has(path)) {
        return sendJson(res, 403, {
          message: `Forbidden: this host may only POST to ${[...routes].join(', ')} (--allow-host)`,
        });
      }
    }
    const json = options.getJson?.[path];
    if (method === 'GET' && json) return sendJson(res, 200, await json());
    const byId = method === 'GET' ? findById(path) : undefined;
    if (byId) {
      const found = await byId.read(byId.id);
      return found === undefined ? sendJson(res, 404, { message: 'Not Found' }) : sendJson(res, 200, found);
    }
    if (method !== 'POST' || !routes.has(path)) {
      const body = options.handleLocal ? await readBody(req, LOCAL_DEFAULTS.maxRequestBytes) : undefined;
      const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
      const answer = body && (await options.handleLocal?.({ method, path, query, headers: req.headers, body }));
      if (!answer) return sendJson(res, 404, { message: 'Not Found' });
      res.writeHead(answer.statusCode, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) });
      return void res.end(answer.body);
    }
    const body = await readBody(req, LOCAL_DEFAULTS.maxRequestBytes);
    if (!body) return sendJson(res, 413, { message: 'Request Entity Too Large' });
    const event = toHttpApiEvent(
      {
        method,
        url: req.url ?? path,
        rawHeaders: req.rawHeaders,
        body,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        httpVersion: req.httpVersion,
      },
      `POST ${path}`,
      req.headers.host ?? host,
    );
    let result: APIGatewayProxyStructuredResultV2;
    try {
      result = await options.invoke(event);
    } catch (error) {
      // API Gateway's answer when the Lambda integration fails.
      options.logger.error('Receiver threw; answering 500 as API Gateway would', { error });
      return sendJson(res, 500, { message: 'Internal Server Error' });
    }
    writeResult(res, result);
  }

  /** The reader and the (decoded, single-segment) id of a `getJsonById` path. */
  function findById(path: string): { read: (id: string) => unknown; id: string } | undefined {
    for (const [base, read] of Object.entries(options.getJsonById ?? {})) {
      if (!path.startsWith(`${base}/`)) continue;
      const segment = path.slice(base.length + 1);
      if (segment === '' || segment.includes('/')) return undefined;
      try {
        return { read, id: decodeURIComponent(segment) };
      } catch {
        return undefined; // malformed percent-encoding: no such item
      }
    }
    return undefined;
  }

  // `once` rejects if the server emits 'error' (EADDRINUSE) before 'listening'.
  await once(server.listen(options.port ?? LOCAL_ADDRESS.port, host), 'listening');
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function writeResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

function sendJson(res: ServerResponse, statusCode: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** The whole body, or `undefined` once it exceeds `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
