/**
 * Receiver-only names and numbers. Anything the stack, the local pipeline or the processor must
 * agree on lives in `../core/constants.ts` instead.
 */

/**
 * Smartcar's signature header, lowercased: headers are looked up case-insensitively.
 *
 * @example
 * ```ts
 * name.toLowerCase() === SIGNATURE_HEADER; // true for 'SC-Signature' and 'sc-signature'
 * ```
 */
export const SIGNATURE_HEADER = 'sc-signature';

/**
 * Stable outcome codes: the `error`/`status` field of every response body, the `code` of each
 * log line and of `ReceiverOutcome`. Users grep and alert on these, so they never change.
 *
 * @example
 * ```ts
 * respond(OUTCOME_CODE.SIGNATURE_INVALID); // body '{"error":"signature_invalid"}'
 * ```
 */
export const OUTCOME_CODE = {
  ENQUEUED: 'enqueued',
  /** Signed but not processable as it is: stored in the quarantine, then answered 200. */
  QUARANTINED: 'quarantined',
  VERIFY_ANSWERED: 'verify_answered',
  CHALLENGE_REFUSED: 'challenge_refused',
  SIGNATURE_INVALID: 'signature_invalid',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  METHOD_NOT_ALLOWED: 'method_not_allowed',
  BAD_REQUEST: 'bad_request',
  /**
   * No longer answered: a signed body that is not a JSON object, or has no event type, is
   * quarantined (`quarantined`, reason `not_json_object` / `missing_event_type`), and an unsigned
   * one is `signature_invalid`. Kept so that code and queries naming it still compile and match.
   */
  NOT_JSON_OBJECT: 'not_json_object',
  /** No longer answered: see {@link OUTCOME_CODE.NOT_JSON_OBJECT}. */
  MISSING_EVENT_TYPE: 'missing_event_type',
  STALE_DELIVERY: 'stale_delivery',
  SECRET_UNAVAILABLE: 'secret_unavailable',
  ENQUEUE_FAILED: 'enqueue_failed',
  /** A delivery bound for the quarantine could not be stored: 503, Smartcar retries. */
  QUARANTINE_FAILED: 'quarantine_failed',
  INTERNAL_ERROR: 'internal_error',
} as const;

/**
 * The message of the WARN line a quarantined delivery logs (instead of `webhook`), with its
 * `reason`, `deliveryId`, `eventId` (when readable) and `bytes`: the saved CloudWatch Logs
 * Insights queries match it, so it never changes.
 *
 * @example
 * ```ts
 * logger.warn(QUARANTINED_MESSAGE, { reason: 'not_utf8', deliveryId, bytes: 512 });
 * ```
 */
export const QUARANTINED_MESSAGE = 'delivery quarantined';

/**
 * What a VERIFY challenge may look like when the request is not validly signed. Smartcar's
 * challenges are UUIDs or opaque random strings; a challenge that could be a JSON body (braces,
 * brackets, quotes, whitespace) would turn the VERIFY answer into a signing oracle.
 *
 * @example
 * ```ts
 * OPAQUE_CHALLENGE_PATTERN.test('3a5c8f72-e6d9-4b1a-9f2e-8c7d6a5b4e3f'); // true
 * ```
 */
export const OPAQUE_CHALLENGE_PATTERN = /^[A-Za-z0-9._~-]{1,256}$/;

/**
 * An unsigned request is only parsed to look for a VERIFY when its body is at most this big.
 * Real VERIFY bodies are about 250 bytes; this keeps a flood of large unsigned bodies from costing
 * a JSON parse each.
 *
 * @example
 * ```ts
 * const envelope = request.bodyBytes <= UNSIGNED_VERIFY_MAX_BYTES ? parseEnvelope(raw.text) : undefined;
 * ```
 */
export const UNSIGNED_VERIFY_MAX_BYTES = 4_096;

/**
 * Longest id or type read from an unsigned body that is logged as is; longer ones are cut.
 *
 * @example
 * ```ts
 * value.length > UNTRUSTED_ID_MAX_LENGTH ? `${value.slice(0, UNTRUSTED_ID_MAX_LENGTH)}…` : value;
 * ```
 */
export const UNTRUSTED_ID_MAX_LENGTH = 100;

/**
 * The HTTP method Smartcar delivers with; anything else is 405.
 *
 * @example
 * ```ts
 * if (request.method !== ALLOWED_METHOD) return { code: OUTCOME_CODE.METHOD_NOT_ALLOWED };
 * ```
 */
export const ALLOWED_METHOD = 'POST';

/**
 * SQS client settings of the receiver (built by `clients.ts`). Worst case, every attempt timing
 * out: a cold secret fetch (3.05 s) then the send (5.45 s), 8.5 s by `worstCaseCallMs`, still ends
 * inside the stack's 10 s function timeout, so even then the receiver answers 503 itself, well
 * before Smartcar's 15 s deadline (`test/infra/time-budget.test.ts` holds this). A healthy
 * SendMessage takes tens of milliseconds, a 1 MB one well under the 1.2 s request timeout.
 *
 * @example
 * ```ts
 * new SQSClient(sdkClientConfig(SQS_CLIENT_SETTINGS, {}));
 * ```
 */
export const SQS_CLIENT_SETTINGS = { maxAttempts: 3, connectionTimeoutMs: 500, requestTimeoutMs: 1_200 } as const;

/**
 * Secrets Manager client settings of the receiver: the cold secret fetch's share (3.05 s at
 * worst) of the time budget described at {@link SQS_CLIENT_SETTINGS}.
 *
 * @example
 * ```ts
 * new SecretsManagerClient(sdkClientConfig(SECRETS_CLIENT_SETTINGS, {}));
 * ```
 */
export const SECRETS_CLIENT_SETTINGS = { maxAttempts: 2, connectionTimeoutMs: 500, requestTimeoutMs: 1_000 } as const;

/**
 * How long a failed secret read (Secrets Manager down, throttling, access denied) is remembered
 * when no tokens were fetched before: requests meanwhile get 503 `secret_unavailable` without a
 * call, so an outage costs one GetSecretValue per window, not one per delivery.
 *
 * @example
 * ```ts
 * createSecretsManagerAmtProvider({ secretId, client, unavailableRetrySeconds: AMT_UNAVAILABLE_RETRY_SECONDS });
 * ```
 */
export const AMT_UNAVAILABLE_RETRY_SECONDS = 5;

/**
 * S3 client settings of the receiver's quarantine (built by `clients.ts`). A quarantined delivery
 * makes no SendMessage, so its path is a cold secret fetch (3.05 s) then the put (5.05 s at worst
 * by `worstCaseCallMs`): 8.1 s, inside the 10 s function timeout like the SQS path
 * (`test/infra/time-budget.test.ts`). The request timeout covers a 6 MB body (the most a front
 * door hands the function) at 3 MB/s; S3 in the same Region takes a fraction of that.
 *
 * @example
 * ```ts
 * new S3Client(sdkClientConfig(S3_CLIENT_SETTINGS, {}));
 * ```
 */
export const S3_CLIENT_SETTINGS = { maxAttempts: 2, connectionTimeoutMs: 500, requestTimeoutMs: 2_000 } as const;
