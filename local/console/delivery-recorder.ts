import { AsyncLocalStorage } from 'node:async_hooks';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describePayload } from '../../bin/cli/describe-payload.ts';
import type { ReceiverOutcome } from '../../lambda/receiver/types/outcome.ts';
import type { LocalDeliveryDetail } from '../api/types.ts';
import type { HttpApiInvoker } from '../http-server.ts';

/** Longest body the log keeps per delivery. */
export const MAX_LOGGED_BODY_BYTES = 64 * 1024;

/** Headers shortened in the log: a whole signature is a secret's proof, not something to show. */
const SHORTENED_HEADERS = new Set(['sc-signature']);

export interface DeliveryRecorder {
  /** The receiver, recording each request it answers. */
  wrap(receiver: HttpApiInvoker): HttpApiInvoker;
  /** The receiver's `onOutcome` hook (tells the recorder what the request was). */
  onOutcome(outcome: ReceiverOutcome): void;
}

/**
 * Records every request the receiver answers, with the receiver's own outcome for it (matched
 * to its request through `AsyncLocalStorage`, since requests run concurrently).
 *
 * @example
 * ```ts
 * const recorder = createDeliveryRecorder((delivery) => log.addDelivery(delivery));
 * const receiver = createReceiverHandler({ ...deps, onOutcome: recorder.onOutcome });
 * startLocalHttpServer({ ..., invoke: recorder.wrap(receiver) });
 * ```
 */
export function createDeliveryRecorder(onDelivery: (delivery: LocalDeliveryDetail) => void): DeliveryRecorder {
  const current = new AsyncLocalStorage<{ outcome?: ReceiverOutcome }>();
  return {
    onOutcome(outcome) {
      const store = current.getStore();
      if (store) store.outcome = outcome;
    },
    wrap(receiver) {
      return async (event) => {
        const started = performance.now();
        const store: { outcome?: ReceiverOutcome } = {};
        let result: APIGatewayProxyStructuredResultV2 | undefined;
        try {
          result = await current.run(store, () => receiver(event));
          return result;
        } finally {
          // A throw is answered 500 by the server, as API Gateway does.
          onDelivery(
            toDetail(
              event,
              result ?? { statusCode: 500, body: '{"message":"Internal Server Error"}' },
              store.outcome,
              performance.now() - started,
            ),
          );
        }
      };
    },
  };
}

function toDetail(
  event: APIGatewayProxyEventV2,
  result: APIGatewayProxyStructuredResultV2,
  outcome: ReceiverOutcome | undefined,
  ms: number,
): LocalDeliveryDetail {
  const raw =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  const described = describePayload(raw);
  const requestHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers)) {
    if (value === undefined) continue;
    requestHeaders[name] =
      SHORTENED_HEADERS.has(name) && value.length > 12 ? `${value.slice(0, 8)}…(${value.length} chars)` : value;
  }
  const responseHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) responseHeaders[name.toLowerCase()] = String(value);
  const truncated = Buffer.byteLength(raw) > MAX_LOGGED_BODY_BYTES;
  const detail: LocalDeliveryDetail = {
    id: event.requestContext.requestId,
    at: new Date(event.requestContext.timeEpoch).toISOString(),
    path: event.rawPath,
    statusCode: result.statusCode ?? 200,
    latencyMs: Math.round(ms * 10) / 10,
    processing: outcome?.enqueued ? 'queued' : 'not-queued',
    requestHeaders,
    requestBody: truncated ? Buffer.from(raw).subarray(0, MAX_LOGGED_BODY_BYTES).toString('utf8') : raw,
    responseHeaders,
    responseBody: result.body ?? '',
  };
  if (truncated) detail.bodyTruncated = true;
  if (outcome?.code) detail.code = outcome.code;
  const eventType = outcome?.eventType ?? described.eventType;
  const eventId = outcome?.eventId ?? described.eventId;
  if (eventType) detail.eventType = eventType;
  if (eventId) detail.eventId = eventId;
  if (described.vehicleId) detail.vehicleId = described.vehicleId;
  return detail;
}
