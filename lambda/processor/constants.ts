/**
 * Processor-only constants. Names and numbers shared with the stack live in
 * `lambda/core/constants.ts`.
 */

/**
 * Prefix of every idempotency key. Fixed rather than the function name (Powertools' default) so
 * that renaming or redeploying the function, or running locally, never forgets processed events.
 */
export const IDEMPOTENCY_KEY_PREFIX = 'smartcar-event';

/** The idempotency key is the `eventId` field of the object the processor hands Powertools. */
export const EVENT_KEY_JMESPATH = 'eventId';

/** Remaining time assumed when no Lambda context says otherwise (local runs, tests). */
export const FALLBACK_REMAINING_TIME_MS = 30_000;

/**
 * Conditional-write attempts on one vehicle item before giving up and letting SQS retry. Each
 * losing attempt means another writer won, so a handful covers every realistic race.
 */
export const MAX_OPTIMISTIC_ATTEMPTS = 8;

/** Upper bound of the random pause between conflicting attempts, ms (jitter spreads racers apart). */
export const OPTIMISTIC_BACKOFF_MS = 25;

/**
 * SDK client settings of the processor's DynamoDB client (built by `clients.ts`). One call gives up
 * after 6.15 s at worst (`worstCaseCallMs`); see {@link DYNAMODB_CALLS_PER_RECORD} for the
 * record's budget against the 30 s function timeout. A healthy call takes single-digit ms.
 */
export const DYNAMODB_CLIENT_SETTINGS = { maxAttempts: 3, connectionTimeoutMs: 500, requestTimeoutMs: 1_500 } as const;

/**
 * DynamoDB calls one record makes one after another: the idempotency record (PutItem), the vehicle
 * item's read and conditional write (GetItem, PutItem), then the record's completion (UpdateItem),
 * or its release (DeleteItem) when the handler failed. Each lost optimistic race adds a read and
 * a write, answered at once, so they are left out. 4 x 6.15 s = 24.6 s fits the 30 s timeout
 * (`test/infra/time-budget.test.ts`). Left out too: a copy whose PutItem is refused reads the
 * record (GetItem; DynamoDB itself returns it with the refusal, dynalite does not) and stops
 * there, as a duplicate or in flight. Records of one vehicle in one batch run one after another,
 * so a batch holding several records of one vehicle while DynamoDB hangs can still exceed it.
 */
export const DYNAMODB_CALLS_PER_RECORD = 4;

/**
 * The documented values of `meta.mode` for deliveries that carry no live vehicle's data, upper
 * case: `TEST` for the Dashboard's test deliveries (seen on 4.0 payloads), `SIMULATED` for a
 * Vehicle Simulator vehicle (Smartcar's webhook tutorials describe the mode as `live`, `test` or
 * `simulated`, lower case on 2.0 payloads; the 4.0 examples show `LIVE`). Compared without
 * regard to case. Any other value, `LIVE` included, or none, is live data: an unknown mode is
 * never taken for a test, so no real event is kept out of the stores.
 */
export const NON_LIVE_MODES: ReadonlySet<string> = new Set(['TEST', 'SIMULATED']);

/**
 * Limits of Firehose `PutRecordBatch` (Amazon Data Firehose API reference, PutRecordBatch):
 * at most 500 records and 4 MiB per request, 1,000 KiB per record before base64; none can be
 * raised. The record limit itself is `FIREHOSE_MAX_RECORD_BYTES` in `lambda/core/archive-record.ts`.
 */
export const PUT_RECORD_BATCH_LIMITS = { maxRecords: 500, maxBytes: 4 * 1024 * 1024 } as const;

/**
 * Rounds of `PutRecordBatch` per request: the first, then retries of only the packed records Firehose
 * reported failed (`ErrorCode` on the entry, typically `ServiceUnavailableException` when the
 * stream's throughput is exceeded). Bounded so a throttled stream fails records back to SQS
 * rather than holding the batch; SQS retries them after the visibility timeout.
 */
export const ARCHIVE_MAX_ROUNDS = 3;

/** Pause before retry round `n` (1-based), ms: 100, 200 ... with full jitter. */
export const ARCHIVE_RETRY_BASE_MS = 100;

/**
 * SDK client settings of the processor's Firehose client. A healthy `PutRecordBatch` takes tens
 * of ms; an attempt gives up after 1.1 s and the SDK tries once more. {@link ARCHIVE_DEADLINE_MS}
 * bounds the whole archive step regardless.
 */
export const FIREHOSE_CLIENT_SETTINGS = { maxAttempts: 2, connectionTimeoutMs: 300, requestTimeoutMs: 800 } as const;

/**
 * The archive step's time for one batch, every round and request included: what is not stored
 * by then fails back to SQS. The processor's DynamoDB calls take up to 24.6 s of the 30 s timeout
 * in the worst case (`DYNAMODB_CALLS_PER_RECORD`); this is what fits beside them
 * (`test/infra/time-budget.test.ts`). A Firehose brownout therefore delays records, never loses them.
 */
export const ARCHIVE_DEADLINE_MS = 2_000;

/** Where Smartcar's signal reference starts; each group's page is this plus the group in lower case. */
export const SIGNALS_REFERENCE_URL = 'https://smartcar.com/docs/api-reference/signals/';
