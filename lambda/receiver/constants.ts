/**
 * Receiver-only names and numbers. Anything the stack, the local pipeline or the processor must
 * agree on lives in `../core/constants.ts` instead.
 */

/** Smartcar's signature header, lowercased: headers are looked up case-insensitively. */
export const SIGNATURE_HEADER = 'sc-signature';

/**
 * Stable outcome codes: the `error`/`status` field of every response body, the `code` of each
 * log line and of `ReceiverOutcome`. Users grep and alert on these, so they never change.
 */
export const OUTCOME_CODE = {
  ENQUEUED: 'enqueued',
  VERIFY_ANSWERED: 'verify_answered',
  CHALLENGE_REFUSED: 'challenge_refused',
  SIGNATURE_INVALID: 'signature_invalid',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  METHOD_NOT_ALLOWED: 'method_not_allowed',
  BAD_REQUEST: 'bad_request',
  NOT_JSON_OBJECT: 'not_json_object',
  MISSING_EVENT_TYPE: 'missing_event_type',
  STALE_DELIVERY: 'stale_delivery',
  SECRET_UNAVAILABLE: 'secret_unavailable',
  ENQUEUE_FAILED: 'enqueue_failed',
  INTERNAL_ERROR: 'internal_error',
} as const;

/**
 * What a VERIFY challenge may look like when the request is not validly signed. Smartcar's
 * challenges are UUIDs or opaque random strings; a challenge that could be a JSON body (braces,
 * brackets, quotes, whitespace) would turn the VERIFY answer into a signing oracle.
 */
export const OPAQUE_CHALLENGE_PATTERN = /^[A-Za-z0-9._~-]{1,256}$/;

/**
 * An unsigned request is only parsed to look for a VERIFY when its body is at most this big.
 * Real VERIFY bodies are about 250 bytes; this keeps a flood of large unsigned bodies from costing
 * a JSON parse each.
 */
export const UNSIGNED_VERIFY_MAX_BYTES = 4_096;

/** Longest id or type read from an unsigned body that is logged as is; longer ones are cut. */
export const UNTRUSTED_ID_MAX_LENGTH = 100;

/** The HTTP method Smartcar delivers with; anything else is 405. */
export const ALLOWED_METHOD = 'POST';

/**
 * SDK client settings for the Lambda. Worst case, every attempt timing out: a cold secret fetch
 * (2 x (0.5 s + 1 s) = 3 s) then the send (3 x (0.5 s + 1.5 s) = 6 s, plus sub-second backoff)
 * still ends inside the stack's 10 s function timeout, so even then the receiver answers 503
 * itself, well before Smartcar's 15 s deadline. A healthy SendMessage takes tens of milliseconds.
 */
export const SQS_CLIENT_SETTINGS = { maxAttempts: 3, connectionTimeoutMs: 500, requestTimeoutMs: 1_500 } as const;
export const SECRETS_CLIENT_SETTINGS = { maxAttempts: 2, connectionTimeoutMs: 500, requestTimeoutMs: 1_000 } as const;
