import type { RouteKind } from '../../core/constants.ts';

/**
 * What the receiver needs from any of the event shapes it accepts (see `normalizeRequest`).
 *
 * @example
 * ```ts
 * const request: NormalizedRequest = normalizeRequest(event, '/webhooks/smartcar/errors');
 * ```
 */
export interface NormalizedRequest {
  /** Uppercase HTTP method, or `undefined` if the event carries none. */
  method: string | undefined;
  route: RouteKind;
  /** The front door's request id, to correlate with its access log. */
  requestId: string | undefined;
  /** The `SC-Signature` value, `undefined` when absent or sent more than once with different values. */
  signature: string | undefined;
  /** Size of the raw body in bytes, known before decoding it. */
  bodyBytes: number;
  /** The body as sent on the wire (still base64 when `isBase64Encoded`). */
  body: string;
  isBase64Encoded: boolean;
}

/**
 * The raw bytes that were signed, and the same bytes as text for JSON.parse and SQS.
 *
 * @example
 * ```ts
 * const { bytes, text }: RawBody = readRawBody(request);
 * ```
 */
export interface RawBody {
  bytes: Buffer;
  text: string;
}
