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
 * SDK client settings of the receiver (built by `clients.ts`). Worst case, every attempt timing
 * out: a cold secret fetch (3.05 s) then the send (5.45 s), 8.5 s by `worstCaseCallMs`, still ends
 * inside the stack's 10 s function timeout, so even then the receiver answers 503 itself, well
 * before Smartcar's 15 s deadline (`test/infra/time-budget.test.ts` holds this). A healthy
 * SendMessage takes tens of milliseconds, a 1 MB one well under the 1.2 s request timeout.
 */
export const SQS_CLIENT_SETTINGS = { maxAttempts: 3, connectionTimeoutMs: 500, requestTimeoutMs: 1_200 } as const;
export const SECRETS_CLIENT_SETTINGS = { maxAttempts: 2, connectionTimeoutMs: 500, requestTimeoutMs: 1_000 } as const;

/**
 * How long a failed secret read (Secrets Manager down, throttling, access denied) is remembered
 * when no tokens were fetched before: requests meanwhile get 503 `secret_unavailable` without a
 * call, so an outage costs one GetSecretValue per window, not one per delivery.
 */
export const AMT_UNAVAILABLE_RETRY_SECONDS = 5;
