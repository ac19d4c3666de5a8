/**
 * Processor-only constants. Names and numbers shared with the stack live in
 * `lambda/core/constants.ts`.
 */

/**
 * Prefix of every idempotency key. Fixed rather than the function name (Powertools' default) so
 * that renaming or redeploying the function, or running locally, never forgets processed events.
 */
export const IDEMPOTENCY_KEY_PREFIX = 'smartcar-event';

/** Remaining time assumed when no Lambda context says otherwise (local runs, tests). */
export const FALLBACK_REMAINING_TIME_MS = 30_000;

/**
 * Conditional-write attempts on one vehicle item before giving up and letting SQS retry. Each
 * losing attempt means another writer won, so a handful covers every realistic race.
 */
export const MAX_OPTIMISTIC_ATTEMPTS = 8;

/** Upper bound of the random pause between conflicting attempts, ms (jitter spreads racers apart). */
export const OPTIMISTIC_BACKOFF_MS = 25;

/** The wire value of `meta.mode` for Dashboard test deliveries. */
export const TEST_MODE = 'TEST';
