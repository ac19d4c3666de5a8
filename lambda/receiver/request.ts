import { ROUTE_KIND, type RouteKind } from '../core/constants.ts';
import { SIGNATURE_HEADER } from './constants.ts';
import type { ReceiverEvent } from './types.ts';

/** What the receiver needs from either API Gateway event shape. */
export interface NormalizedRequest {
  /** Uppercase HTTP method, or `undefined` if the event carries none. */
  method: string | undefined;
  route: RouteKind;
  /** API Gateway's request id, to correlate with the access log. */
  requestId: string | undefined;
  /** The `SC-Signature` value, `undefined` when absent or sent more than once with different values. */
  signature: string | undefined;
  /** Size of the raw body in bytes, known before decoding it. */
  bodyBytes: number;
  /** The body as sent on the wire (still base64 when `isBase64Encoded`). */
  body: string;
  isBase64Encoded: boolean;
}

/** The raw bytes that were signed, and the same bytes as text for JSON.parse and SQS. */
export interface RawBody {
  bytes: Buffer;
  text: string;
}

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
 * Reduces an HTTP API (payload 2.0) or REST API (1.0) proxy event to what the receiver checks:
 * method, route, signature header (looked up case-insensitively, also in `multiValueHeaders`)
 * and body size, without decoding the body yet.
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
 * The exact bytes Smartcar signed: base64-decoded when API Gateway encoded them, otherwise the
 * body string as UTF-8 (API Gateway passes JSON text through unchanged).
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
