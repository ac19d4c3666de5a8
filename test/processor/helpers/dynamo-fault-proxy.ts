import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** A DynamoDB request as the proxy sees it: the operation (`X-Amz-Target` suffix) and its JSON body. */
export interface DynamoCall {
  operation: string;
  input: Record<string, unknown>;
}

/** A loopback proxy in front of a real DynamoDB emulator that fails or delays chosen calls. */
export interface DynamoFaultProxy {
  /** Point a client here instead of at the emulator. */
  endpoint: string;
  /** HTTP attempts answered with the injected error (the SDK's retries of one call included). */
  failedAttempts(): number;
  close(): Promise<void>;
}

/** Options of {@link startDynamoFaultProxy}. */
export interface DynamoFaultProxyOptions {
  /** Which calls to fail. */
  matches: (call: DynamoCall) => boolean;
  /**
   * How many matching calls to fail. A call is one SDK invocation: every retry the SDK makes of
   * it carries the same `amz-sdk-invocation-id`, and all of them fail, so the error reaches the
   * caller exactly as a lasting throttle or outage would.
   * @default 1
   */
  calls?: number;
  /**
   * Let a matching call reach the emulator and lose only its first answer (a 500 in its place),
   * as when DynamoDB applies a write but its response never arrives (DynamoDB documents that a
   * 500 may follow a write that succeeded). The SDK's retries of it then pass through.
   * @default false
   */
  loseFirstAnswer?: boolean;
  /**
   * Let a matching call reach the emulator at once and hold its answer this long, as a slow
   * DynamoDB or network does: the call saw the table as it was when it arrived, and its caller
   * learns it only this much later. Each matching attempt is held; nothing fails.
   */
  delayAnswerMs?: number;
  /**
   * Sees every call the emulator answered, with its HTTP status, the moment the answer leaves the
   * emulator (before any delay): when a write was applied, not when its caller learnt it.
   */
  onAnswer?: (call: DynamoCall, status: number) => void;
}

/** DynamoDB's own 500: the SDK treats it as retryable, like a throttle. */
const INTERNAL_SERVER_ERROR = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
  message: 'Injected by the test proxy',
});

/**
 * Starts an HTTP proxy on 127.0.0.1 that forwards every request to `target` (a dynalite
 * endpoint) unchanged, except the calls `matches` picks, which get DynamoDB's 500
 * `InternalServerError` instead and never reach the emulator (or, with `loseFirstAnswer`, reach it
 * and lose their answer; with `delayAnswerMs`, reach it and get their answer late).
 *
 * @example
 * ```ts
 * const proxy = await startDynamoFaultProxy(dynamo.endpoint, { matches: ({ operation }) => operation === 'UpdateItem' });
 * const client = createLocalDynamoClient(proxy.endpoint);
 * ```
 */
export async function startDynamoFaultProxy(
  target: string,
  options: DynamoFaultProxyOptions,
): Promise<DynamoFaultProxy> {
  const upstream = new URL(target);
  const failing = new Set<string>();
  const lost = new Set<string>();
  let callsLeft = options.calls ?? 1;
  let failedAttempts = 0;

  const answerInternalError = (response: ServerResponse): void => {
    failedAttempts++;
    response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(INTERNAL_SERVER_ERROR);
  };

  const forward = (
    incoming: IncomingMessage,
    body: Buffer,
    response: ServerResponse,
    call: DynamoCall,
    fault: { loseAnswer?: boolean; delayMs?: number } = {},
  ): void => {
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        options.onAnswer?.(call, answer.statusCode ?? 0);
        if (fault.loseAnswer) {
          answer.resume();
          answer.on('end', () => answerInternalError(response));
          return;
        }
        if (fault.delayMs !== undefined) {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            setTimeout(() => {
              // The proxy may have closed meanwhile (the test ended).
              if (response.destroyed) return;
              response.writeHead(answer.statusCode ?? 502, answer.headers);
              response.end(Buffer.concat(chunks));
            }, fault.delayMs);
          });
          return;
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    outgoing.on('error', () => response.destroy());
    outgoing.end(body);
  };

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      // Without the SDK's header each request counts as its own call.
      const invocation = String(incoming.headers['amz-sdk-invocation-id'] ?? randomUUID());
      const operation =
        String(incoming.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      let input: Record<string, unknown> = {};
      try {
        input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        // Not a JSON call: never matched.
      }
      const call = { operation, input };
      if (!failing.has(invocation) && !lost.has(invocation) && callsLeft > 0) {
        if (options.matches(call)) {
          callsLeft--;
          if (options.delayAnswerMs !== undefined) {
            forward(incoming, body, response, call, { delayMs: options.delayAnswerMs });
            return;
          }
          if (options.loseFirstAnswer) {
            lost.add(invocation);
            forward(incoming, body, response, call, { loseAnswer: true });
            return;
          }
          failing.add(invocation);
        }
      }
      if (failing.has(invocation)) {
        answerInternalError(response);
        return;
      }
      forward(incoming, body, response, call);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    failedAttempts: () => failedAttempts,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Cleans up after each test of the file: closes every proxy and destroys every client that
 * `keep` was handed during the test.
 *
 * @example
 * ```ts
 * const faults = useFaultProxies();
 * const proxy = faults.keep(await startDynamoFaultProxy(dynamo.endpoint, { matches: () => false }));
 * const client = faults.keep(createLocalDynamoClient(proxy.endpoint));
 * ```
 */
export function useFaultProxies(): { keep<T extends DynamoFaultProxy | { destroy(): void }>(resource: T): T } {
  const kept: Array<DynamoFaultProxy | { destroy(): void }> = [];
  afterEach(async () => {
    for (const resource of kept.splice(0).reverse()) {
      if ('close' in resource) await resource.close();
      else resource.destroy();
    }
  });
  return {
    keep: (resource) => {
      kept.push(resource);
      return resource;
    },
  };
}
