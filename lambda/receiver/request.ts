// The wire: an API Gateway or Function URL event reduced to what the checks need, the body's
// envelope read with one JSON parse, and a decision turned into the response.
import { ROUTE_KIND } from '../core/constants.ts';
import { ALLOWED_METHOD, OUTCOME_CODE, SIGNATURE_HEADER, UNTRUSTED_ID_MAX_LENGTH } from './constants.ts';
import type {
  Decision,
  Envelope,
  NormalizedRequest,
  OutcomeCode,
  RawBody,
  ReceiverEvent,
  ReceiverResult,
} from './types.ts';

/** The 2.0 shape: an HTTP API event or a Function URL event (which has the same fields). */
function isHttpApiEvent(event: ReceiverEvent): event is Extract<ReceiverEvent, { version: string; rawPath: string }> {
  return 'rawPath' in event || 'routeKey' in event;
}

function signatureOf(event: ReceiverEvent): string | undefined {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (name.toLowerCase() === SIGNATURE_HEADER && typeof value === 'string') values.add(value.trim());
  }
  const multi = 'multiValueHeaders' in event ? event.multiValueHeaders : undefined;
  for (const [name, list] of Object.entries(multi ?? {})) {
    if (name.toLowerCase() !== SIGNATURE_HEADER || !Array.isArray(list)) continue;
    for (const value of list) if (typeof value === 'string') values.add(value.trim());
  }
  // Two different signatures are ambiguous; trying each would let one forged header ride along.
  return values.size === 1 ? [...values][0] : undefined;
}

function isErrorRoute(path: string | undefined, errorCallbackPath: string): boolean {
  if (!path) return false;
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const expected = errorCallbackPath.length > 1 ? errorCallbackPath.replace(/\/+$/, '') : errorCallbackPath;
  // HTTP API rawPath carries the stage name in front when the stage is not `$default`.
  return trimmed === expected || trimmed.endsWith(expected);
}

/**
 * Reduces an HTTP API (payload 2.0), REST API (1.0) or Function URL event to what the receiver
 * checks: method, route, signature header (looked up case-insensitively, also in
 * `multiValueHeaders`) and body size, without decoding the body yet.
 *
 * The route (data or error callback) is chosen by the request path, never by `routeKey`: a
 * Function URL sets `routeKey` to the placeholder `$default` and an HTTP API's `$default` route
 * does too, so only the path tells the two callbacks apart on every front door.
 *
 * @example
 * ```ts
 * const request = normalizeRequest(event, '/webhooks/smartcar/errors');
 * if (request.bodyBytes > maxBodyBytes) return tooLarge();
 * ```
 */
export function normalizeRequest(event: ReceiverEvent, errorCallbackPath: string): NormalizedRequest {
  const body = typeof event.body === 'string' ? event.body : '';
  const isBase64Encoded = event.isBase64Encoded === true;
  let method: string | undefined;
  let path: string | undefined;
  let requestId: string | undefined;
  if (isHttpApiEvent(event)) {
    method = event.requestContext?.http?.method;
    // rawPath is the path as requested (a Function URL's is the URL's path, with no stage).
    path = event.rawPath ?? event.requestContext?.http?.path;
    requestId = event.requestContext?.requestId;
  } else {
    method = event.httpMethod ?? event.requestContext?.httpMethod;
    path = event.path ?? event.resource;
    requestId = event.requestContext?.requestId;
  }
  return {
    method: method?.toUpperCase(),
    route: isErrorRoute(path, errorCallbackPath) ? ROUTE_KIND.ERROR : ROUTE_KIND.DATA,
    requestId,
    signature: signatureOf(event),
    bodyBytes: Buffer.byteLength(body, isBase64Encoded ? 'base64' : 'utf8'),
    body,
    isBase64Encoded,
  };
}

/**
 * The exact bytes Smartcar signed: base64-decoded when the front door encoded them (API Gateway
 * and Function URLs do for content types they take as binary), otherwise the body string as
 * UTF-8 (JSON text is passed through unchanged).
 *
 * @example
 * ```ts
 * const { bytes, text } = readRawBody(request);
 * verifySignature(bytes, request.signature, [amt]);
 * ```
 */
export function readRawBody(request: Pick<NormalizedRequest, 'body' | 'isBase64Encoded'>): RawBody {
  if (!request.isBase64Encoded) return { bytes: Buffer.from(request.body, 'utf8'), text: request.body };
  const bytes = Buffer.from(request.body, 'base64');
  return { bytes, text: bytes.toString('utf8') };
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Parses a webhook body once and classifies it. Legacy 2.0 payloads have no `eventType`: their
 * `eventName` stands in for it, so a signed legacy delivery is still persisted (the processor
 * acknowledges it) rather than refused and lost.
 *
 * @example
 * ```ts
 * parseEnvelope('{"eventType":"VERIFY","data":{"challenge":"abc"}}');
 * // { kind: 'verify', challenge: 'abc', eventId: undefined, deliveryId: undefined }
 * ```
 */
export function parseEnvelope(text: string): Envelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'invalid' };
  }
  if (!isObject(parsed)) return { kind: 'invalid' };
  const eventId = nonEmptyString(parsed.eventId);
  const meta = isObject(parsed.meta) ? parsed.meta : undefined;
  const deliveryId = meta ? nonEmptyString(meta.deliveryId) : undefined;
  const eventType = nonEmptyString(parsed.eventType);
  const legacyName = nonEmptyString(parsed.eventName);
  if (eventType?.toUpperCase() === 'VERIFY') {
    const challenge = isObject(parsed.data) ? parsed.data.challenge : undefined;
    return { kind: 'verify', challenge: typeof challenge === 'string' ? challenge : undefined, eventId, deliveryId };
  }
  if (eventType === undefined && legacyName?.toLowerCase() === 'verify') {
    const challenge = isObject(parsed.payload) ? parsed.payload.challenge : undefined;
    return { kind: 'verify', challenge: typeof challenge === 'string' ? challenge : undefined, eventId, deliveryId };
  }
  return { kind: 'event', eventType: eventType ?? legacyName, eventId, deliveryId, deliveredAt: meta?.deliveredAt };
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/**
 * Status of each outcome: one table, so a code never drifts from its status.
 *
 * @example
 * ```ts
 * OUTCOME_STATUS.enqueue_failed; // 503
 * ```
 */
export const OUTCOME_STATUS: Readonly<Record<OutcomeCode, number>> = {
  [OUTCOME_CODE.ENQUEUED]: 200,
  // 200: the body is stored (docs/quarantine.md). Any other answer would be retried with the same
  // body and refused again, then dropped by Smartcar.
  [OUTCOME_CODE.QUARANTINED]: 200,
  [OUTCOME_CODE.VERIFY_ANSWERED]: 200,
  [OUTCOME_CODE.CHALLENGE_REFUSED]: 400,
  [OUTCOME_CODE.BAD_REQUEST]: 400,
  [OUTCOME_CODE.NOT_JSON_OBJECT]: 400,
  [OUTCOME_CODE.MISSING_EVENT_TYPE]: 400,
  // 4xx, not 5xx: the request is authentic but too old (or too far ahead) to be a live attempt.
  // Smartcar retries 4xx too, and each retry carries a fresh deliveredAt.
  [OUTCOME_CODE.STALE_DELIVERY]: 400,
  [OUTCOME_CODE.SIGNATURE_INVALID]: 401,
  [OUTCOME_CODE.METHOD_NOT_ALLOWED]: 405,
  [OUTCOME_CODE.PAYLOAD_TOO_LARGE]: 413,
  [OUTCOME_CODE.INTERNAL_ERROR]: 500,
  // 503, not 502: the handler ran fine and a dependency is down, so "try again later" is the
  // honest answer; API Gateway's own 502 stays reserved for a crashed or misconfigured function.
  [OUTCOME_CODE.SECRET_UNAVAILABLE]: 503,
  [OUTCOME_CODE.ENQUEUE_FAILED]: 503,
  [OUTCOME_CODE.QUARANTINE_FAILED]: 503,
};

/**
 * The response for an outcome: its status and a small JSON body with the stable code
 * (`{"status":"accepted"}` for an enqueued event, `{"error":"<code>"}` for every refusal).
 * Never carries internal error text.
 *
 * @example
 * ```ts
 * respond('signature_invalid'); // { statusCode: 401, headers: {...}, body: '{"error":"signature_invalid"}' }
 * ```
 */
export function respond(code: Exclude<OutcomeCode, 'verify_answered'>): ReceiverResult {
  const statusCode = OUTCOME_STATUS[code];
  const body =
    code === OUTCOME_CODE.ENQUEUED || code === OUTCOME_CODE.QUARANTINED
      ? `{"status":"${code === OUTCOME_CODE.ENQUEUED ? 'accepted' : 'quarantined'}"}`
      : JSON.stringify({ error: code });
  const headers = code === OUTCOME_CODE.METHOD_NOT_ALLOWED ? { ...JSON_HEADERS, allow: ALLOWED_METHOD } : JSON_HEADERS;
  return { statusCode, headers: { ...headers }, body };
}

/**
 * The 200 answer to a VERIFY, with the `{"challenge": ...}` body already computed.
 *
 * @example
 * ```ts
 * verifyResponse(challengeAnswer(amt, challenge));
 * ```
 */
export function verifyResponse(body: string): ReceiverResult {
  return { statusCode: OUTCOME_STATUS[OUTCOME_CODE.VERIFY_ANSWERED], headers: { ...JSON_HEADERS }, body };
}

/**
 * The response a decision is answered with: a VERIFY answer's own, otherwise its code's.
 *
 * @example
 * ```ts
 * responseFor({ code: 'enqueued', eventType: 'VEHICLE_STATE' }); // { statusCode: 200, body: '{"status":"accepted"}', ... }
 * ```
 */
export function responseFor(decision: Decision): ReceiverResult {
  return decision.code === OUTCOME_CODE.VERIFY_ANSWERED ? decision.response : respond(decision.code);
}

/**
 * An id or type read from a body, as it may be logged: never at length (an unsigned body's ids
 * are attacker-controlled, and a signed one's may be the over-long id it is quarantined for).
 *
 * @example
 * ```ts
 * clipId('x'.repeat(5_000)); // 'xxxx…' (100 characters and an ellipsis)
 * ```
 */
export function clipId(value: string | undefined): string | undefined {
  return value !== undefined && value.length > UNTRUSTED_ID_MAX_LENGTH
    ? `${value.slice(0, UNTRUSTED_ID_MAX_LENGTH)}…`
    : value;
}
