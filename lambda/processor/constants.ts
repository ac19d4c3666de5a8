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
