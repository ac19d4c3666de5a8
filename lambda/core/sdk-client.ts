import type { Agent } from 'node:http';

/**
 * How one AWS SDK client retries and when each attempt gives up. Every client the functions
 * build takes its configuration from {@link sdkClientConfig}, so none runs without timeouts.
 */
export interface SdkClientSettings {
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** Time to open the TCP connection. */
  readonly connectionTimeoutMs: number;
  /** Time for the whole attempt, counted from when the request starts. */
  readonly requestTimeoutMs: number;
}

/** Where a client sends its requests; every field is optional (the SDK's usual configuration otherwise). */
export interface SdkClientConnection {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** An agent of your own (the local pipeline's loopback lookup); it must keep connections alive. */
  httpAgent?: Agent;
}

/** The `requestHandler` options of `@smithy/node-http-handler`'s `NodeHttpHandler` that this project sets. */
export interface SdkRequestHandlerOptions {
  connectionTimeout: number;
  requestTimeout: number;
  /** Without it the handler only logs a warning when `requestTimeout` passes and keeps waiting. */
  throwOnRequestTimeout: true;
  httpAgent?: Agent;
}

/** A client configuration for any AWS SDK v3 client (`new SQSClient(sdkClientConfig(...))`). */
export interface SdkClientConfig extends Omit<SdkClientConnection, 'httpAgent'> {
  maxAttempts: number;
  /** Pinned, so `AWS_RETRY_MODE=adaptive` cannot add client-side rate limiting to the time budget. */
  retryMode: 'standard';
  requestHandler: SdkRequestHandlerOptions;
}

/**
 * Bounds of the SDK's standard retry backoff (`@smithy/core` 3.41, `retries-2026-config`): before
 * retry `i` (0 for the first) it waits a random time up to `base x 2^i`, capped at `maxMs`; the
 * base is 50 ms, or 1 s after a throttling error. A `Retry-After` answer header can stretch this;
 * SQS, Secrets Manager and DynamoDB do not send one. `test/infra/time-budget.test.ts` checks these
 * numbers against the installed SDK's strategy.
 */
export const SDK_RETRY_BACKOFF_MS = { baseMs: 50, throttlingBaseMs: 1_000, maxMs: 20_000 } as const;

/**
 * The client configuration for `settings`: attempts, the standard retry mode, and request-handler
 * timeouts that throw. `@smithy/node-http-handler` 4.4 and later only warn when `requestTimeout`
 * passes unless `throwOnRequestTimeout` is set; then an endpoint that accepts the connection and
 * never answers holds the call until the service's default socket timeout (5 to 15 minutes), far
 * past the function's timeout. With it the attempt fails with a `TimeoutError` (code `ETIMEDOUT`)
 * and the SDK retries. No agent is given unless you pass one, so the SDK's default keep-alive
 * agent (50 sockets) serves the Lambda clients.
 *
 * @example
 * ```ts
 * const sqs = new SQSClient(sdkClientConfig({ maxAttempts: 3, connectionTimeoutMs: 500, requestTimeoutMs: 1_200 }));
 * ```
 */
export function sdkClientConfig(settings: SdkClientSettings, connection: SdkClientConnection = {}): SdkClientConfig {
  const { httpAgent, ...where } = connection;
  return {
    ...where,
    maxAttempts: settings.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: settings.connectionTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      throwOnRequestTimeout: true,
      ...(httpAgent ? { httpAgent } : {}),
    },
  };
}

/**
 * The longest one SDK call configured with `settings` can take before it gives up: every attempt
 * running to its timeouts, and before each retry the longest backoff. An attempt either times out
 * (then the standard backoff follows) or is answered at once with a throttling error (then the
 * longer throttling backoff follows), so each retry costs the larger of the two. The request timer
 * starts with the request, so `connection + request` per attempt is an upper bound.
 *
 * @example
 * ```ts
 * worstCaseCallMs({ maxAttempts: 2, connectionTimeoutMs: 500, requestTimeoutMs: 1_000 }); // 1_500 + 1_550 = 3_050
 * ```
 */
export function worstCaseCallMs(settings: SdkClientSettings): number {
  const { baseMs, throttlingBaseMs, maxMs } = SDK_RETRY_BACKOFF_MS;
  const attemptMs = settings.connectionTimeoutMs + settings.requestTimeoutMs;
  let total = attemptMs;
  for (let retry = 0; retry < settings.maxAttempts - 1; retry++) {
    const afterTimeout = attemptMs + Math.min(baseMs * 2 ** retry, maxMs);
    const afterThrottling = Math.min(throttlingBaseMs * 2 ** retry, maxMs);
    total += Math.max(afterTimeout, afterThrottling);
  }
  return total;
}
