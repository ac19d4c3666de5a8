/**
 * The latest order time believed of a delivery received at `receivedAt`: its receipt plus the
 * future tolerance. A receipt later than `now` (a hand-made message attribute) counts as `now`,
 * and an unknown one as `now`, so the limit never runs ahead of the store's own clock.
 *
 * Smartcar delivers a value after the vehicle recorded it, and an error report when it sends it,
 * so an order time later than this is a wrong clock (an OEM's, or a unit misread), or a forgery.
 *
 * @example
 * ```ts
 * latestBelievedTime(1_800_000_000_000, Date.now(), 900_000); // 1_800_000_900_000 (receipt + 15 min)
 * ```
 */
export function latestBelievedTime(receivedAt: number | undefined, now: number, toleranceMs: number): number {
  return Math.min(receivedAt ?? now, now) + toleranceMs;
}
