import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { buffer } from 'node:stream/consumers';
import type { ProxyMode } from './types.ts';

/** A running {@link startFaultProxy}. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the client instead of the emulator's endpoint. */
  readonly endpoint: string;
  /** Where requests go; changes when the emulators restart on new ports (`npm start` restarted). */
  upstream: string;
  /** What the proxy does to the next requests; `pass` forwards them unchanged. */
  mode: ProxyMode;
  /** Requests this proxy answered with a fault, by mode. */
  readonly faulted: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

/** The error DynamoDB answers a throttled request with (JSON protocol, HTTP 400): the SDK retries it. */
const THROTTLING_BODY = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  message: 'The level of configured provisioned throughput for the table was exceeded (simulated).',
});

/**
 * A loopback HTTP proxy in front of one emulator that can fail the requests through it the way a
 * flaky AWS does: `refuse` resets the connection at once, `hang` holds the request without a byte
 * of answer until the mode changes (then resets it: nothing was forwarded), `slow` forwards after
 * a delay, `throttle` answers a share of the requests with DynamoDB's throughput error. A caller
 * that gives up (its SDK timeout) makes the proxy drop the forwarded request too.
 *
 * @example
 * ```ts
 * const proxy = await startFaultProxy(emulators.sqs.endpoint);
 * proxy.mode = { kind: 'hang' }; // the receiver's SendMessage now waits for its own timeout
 * proxy.mode = { kind: 'pass' };
 * ```
 */
export async function startFaultProxy(upstream: string, random: () => number = Math.random): Promise<FaultProxy> {
  const held = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const faulted: Record<string, number> = {};
  const count = (kind: string): void => {
    faulted[kind] = (faulted[kind] ?? 0) + 1;
  };
  let mode: ProxyMode = { kind: 'pass' };

  const forward = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await buffer(request);
    const current = mode;
    if (current.kind === 'refuse') {
      count('refuse');
      request.socket.destroy();
      return;
    }
    if (current.kind === 'hang') {
      count('hang');
      held.add(response);
      response.on('close', () => held.delete(response));
      return;
    }
    if (current.kind === 'throttle' && random() < current.share) {
      count('throttle');
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(THROTTLING_BODY);
      return;
    }
    if (current.kind === 'slow') {
      count('slow');
      await new Promise((resolve) => setTimeout(resolve, current.delayMs));
      if (response.destroyed) return;
    }
    const target = new URL(proxy.upstream);
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: target.host },
      },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    forwarded.on('error', () => request.socket.destroy());
    // The caller timed out or went away: so does the forwarded request.
    response.on('close', () => forwarded.destroy());
    forwarded.end(body);
  };

  const server = createServer((request, response) => {
    forward(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const proxy: FaultProxy = {
    endpoint: `http://127.0.0.1:${port}`,
    upstream,
    get mode() {
      return mode;
    },
    set mode(next: ProxyMode) {
      mode = next;
      // A hang ends: what was held was never forwarded, so the caller sees a reset, not an answer.
      if (next.kind !== 'hang') for (const response of held) response.socket?.destroy();
    },
    faulted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
