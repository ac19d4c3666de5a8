import { ROUTE_KIND } from '../core/constants.ts';
import { SIGNATURE_HEADER } from './constants.ts';
import type { ReceiverEvent } from './types/handler.ts';
import type { NormalizedRequest, RawBody } from './types/request.ts';

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
