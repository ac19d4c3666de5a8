import { epochMs } from '../core/timestamp.ts';

/**
 * The replay window: how old (or how far ahead) a signed delivery's `meta.deliveredAt` may be.
 *
 * `SC-Signature` covers the body only, so a body captured once stays validly signed forever.
 * What makes a replay detectable is that Smartcar puts `meta.deliveredAt` inside the signed
 * bytes and refreshes it on every attempt (same `eventId`, new `deliveryId` and `deliveredAt`;
 * 4 attempts: the first, then retries 25 s, 50 s and 100 s later, each given 15 s to answer).
 * A real attempt therefore reaches the receiver seconds after its own `deliveredAt`; a replayed
 * capture carries the time of the delivery it was copied from.
 */

/**
 * What the age check concluded about one delivery.
 *
 * @example
 * ```ts
 * const age: DeliveryAge = checkDeliveryAge(envelope.deliveredAt, Date.now(), 900_000);
 * if (age.verdict === 'stale') refuse(age.ageMs);
 * ```
 */
export type DeliveryAge =
  /** Within the tolerance: accepted. */
  | { verdict: 'fresh'; deliveredAt: number; ageMs: number }
  /** Older than the tolerance: refused. */
  | { verdict: 'stale'; deliveredAt: number; ageMs: number }
  /** Further in the future than the tolerance: refused (`ageMs` is negative). */
  | { verdict: 'future'; deliveredAt: number; ageMs: number }
  /** No `meta.deliveredAt` (legacy 2.0 shapes): accepted as before, and counted. */
  | { verdict: 'missing' }
  /**
   * A `meta.deliveredAt` that is no plausible time (see `epochMs`: not a number or date, or before
   * 2001-09-09): accepted and counted (see {@link checkDeliveryAge}).
   */
  | { verdict: 'unreadable' }
  /** The check is turned off (tolerance 0). */
  | { verdict: 'unchecked' };

/**
 * Checks a signed delivery's `meta.deliveredAt` against the receiver's clock. `deliveredAt` is
 * the raw JSON value, read by the one rule of `lambda/core/timestamp.ts` (epoch seconds,
 * milliseconds, microseconds or nanoseconds told apart by magnitude, or an ISO-8601 string), the
 * rule the processor reads it by too: a capture stamped in seconds is as old as one in ms.
 *
 * Absent or unreadable values are accepted, not refused: the body is signed, so only Smartcar
 * can have produced it, and refusing it would drop a genuine event for good (every retry carries
 * the same shape). They are counted instead (`DeliveryAgeUnchecked`), so a change on Smartcar's
 * side shows up.
 *
 * @example
 * ```ts
 * checkDeliveryAge(Date.now() - 3_000, Date.now(), 900_000); // { verdict: 'fresh', ageMs: 3000, ... }
 * checkDeliveryAge('2020-01-01T00:00:00Z', Date.now(), 900_000).verdict; // 'stale'
 * ```
 */
export function checkDeliveryAge(deliveredAt: unknown, now: number, toleranceMs: number): DeliveryAge {
  if (toleranceMs <= 0) return { verdict: 'unchecked' };
  if (deliveredAt === undefined || deliveredAt === null) return { verdict: 'missing' };
  const at = epochMs(deliveredAt);
  if (at === undefined) return { verdict: 'unreadable' };
  const ageMs = now - at;
  if (ageMs > toleranceMs) return { verdict: 'stale', deliveredAt: at, ageMs };
  if (-ageMs > toleranceMs) return { verdict: 'future', deliveredAt: at, ageMs };
  return { verdict: 'fresh', deliveredAt: at, ageMs };
}
