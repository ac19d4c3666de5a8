import { AsyncLocalStorage } from 'node:async_hooks';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describePayload } from '../../bin/cli/describe-payload.ts';
import { ROUTES } from '../../lambda/core/constants.ts';
import type { ReceiverOutcome } from '../../lambda/receiver/types.ts';
import type { LocalDeliveryDetail } from '../api/types.ts';
import type { HttpApiInvoker } from '../http-server.ts';
import type { LocalRecordOutcome } from '../processor-host/types.ts';

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
    processing: outcome?.enqueued ? 'queued' : outcome?.code === 'quarantined' ? 'quarantined' : 'not-queued',
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

/**
 * The console's entry for a copy `npm run replay -- --stack NAME --into-local` put in the local
 * queue: it never passed the local receiver, so it is listed as the delivery the stack's receiver
 * accepted (200 `enqueued`, at the archive's `receivedAt`), marked `fromArchive` with the stack,
 * window and original deliveryId. One entry per event and replay run (its id says which).
 *
 * @example
 * ```ts
 * if (outcome.fromArchive && !log.delivery(archiveCopyId(outcome))) log.addDelivery(archiveCopyDelivery(outcome));
 * ```
 */
export function archiveCopyDelivery(
  outcome: Pick<LocalRecordOutcome, 'eventId' | 'eventType' | 'vehicleId'> & {
    fromArchive: NonNullable<LocalRecordOutcome['fromArchive']>;
  },
): LocalDeliveryDetail {
  const { body, route, ...origin } = outcome.fromArchive;
  const described = describePayload(body);
  const truncated = Buffer.byteLength(body) > MAX_LOGGED_BODY_BYTES;
  const eventType = outcome.eventType ?? described.eventType;
  const eventId = outcome.eventId ?? described.eventId;
  const vehicleId = outcome.vehicleId ?? described.vehicleId;
  return {
    id: archiveCopyId(outcome),
    at: origin.receivedAt || new Date().toISOString(),
    path: route === 'error' ? ROUTES.ERROR_PATH : ROUTES.DATA_PATH,
    statusCode: 200,
    code: 'enqueued',
    latencyMs: 0,
    processing: 'queued',
    requestHeaders: {},
    requestBody: truncated ? Buffer.from(body).subarray(0, MAX_LOGGED_BODY_BYTES).toString('utf8') : body,
    ...(truncated ? { bodyTruncated: true } : {}),
    responseHeaders: {},
    responseBody: '',
    ...(eventType ? { eventType } : {}),
    ...(eventId ? { eventId } : {}),
    ...(vehicleId ? { vehicleId } : {}),
    fromArchive: origin,
  };
}

/** The console id of a copied delivery: one per event and replay run. */
export function archiveCopyId(outcome: Pick<LocalRecordOutcome, 'eventId' | 'fromArchive'>): string {
  return `archive-${outcome.fromArchive?.replayId ?? ''}-${outcome.eventId ?? ''}`;
}
