import type { Signal, SignalMergeResult, StoredSignal } from '../types.ts';

/**
 * The time a signal value is ordered by: `oemUpdatedAt` (when the vehicle recorded it), or the
 * retrieval time when the OEM gave none. Never `meta.deliveredAt`, which every retry refreshes.
 *
 * @example
 * ```ts
 * signalOrderTime({ code: 'charge-ischarging', meta: { retrievedAt: 1700000000000 } }); // 1700000000000
 * ```
 */
export function signalOrderTime(signal: Pick<Signal, 'meta'>): number | undefined {
  return signal.meta.oemUpdatedAt ?? signal.meta.retrievedAt;
}

/**
 * The latest order times a merge believes (see {@link mergeSignals}). Both are a clock reading
 * plus the future tolerance (`futureToleranceSeconds`).
 */
export interface OrderLimits {
  /**
   * Latest order time of an incoming value: when its delivery was received plus the tolerance. A
   * vehicle cannot have recorded a value after Smartcar delivered it, so a later stamp is a wrong
   * OEM clock, a value in an unexpected unit, or a forgery, and is ordered at this limit instead.
   */
  readonly incoming: number;
  /**
   * Latest order time of a stored value: now plus the tolerance. Every value stored under the
   * limits is below it, so a later one was stored before they existed (a signal frozen by a
   * future stamp): it is brought down to this limit, once, and then loses to newer values.
   */
  readonly stored: number;
}

/** No limits: every order time is believed (the pure merge's default). */
const UNLIMITED: OrderLimits = { incoming: Number.POSITIVE_INFINITY, stored: Number.POSITIVE_INFINITY };

/** The outcome of merging, without the stored envelope (version, timestamps). */
export type MergedSignals = Omit<SignalMergeResult, 'snapshot' | 'attempts'> & {
  signals: Record<string, StoredSignal>;
  /** True when anything stored changed, i.e. the item needs a write. */
  changed: boolean;
};

type OrderKey = Pick<StoredSignal, 'orderedAt' | 'retrievedAt' | 'eventId'>;

/**
 * The event that applied (changed) a stored value: `appliedBy` when a same-body tie replaced the
 * copy, else the event that delivered it.
 *
 * @example
 * ```ts
 * appliedByOf({ eventId: 'e2', appliedBy: 'e1', body: {}, orderedAt: 1 }); // 'e1'
 * ```
 */
export function appliedByOf(stored: Pick<StoredSignal, 'eventId' | 'appliedBy'>): string {
  return stored.appliedBy ?? stored.eventId;
}

/**
 * Total order on values of one signal: order time, then retrieval time, then eventId. The
 * tie-breaks only matter for equal order times, and make the merge independent of arrival order.
 */
function compareOrder(a: OrderKey, b: OrderKey): number {
  if (a.orderedAt !== b.orderedAt) return a.orderedAt - b.orderedAt;
  const retrievedA = a.retrievedAt ?? Number.NEGATIVE_INFINITY;
  const retrievedB = b.retrievedAt ?? Number.NEGATIVE_INFINITY;
  if (retrievedA !== retrievedB) return retrievedA < retrievedB ? -1 : 1;
  if (a.eventId === b.eventId) return 0;
  return a.eventId < b.eventId ? -1 : 1;
}

/**
 * Merges incoming signals into the stored ones, keeping per code the newest value. Pure and
 * order-independent (merging A then B stores the same as B then A), which is what makes the
 * store correct under Smartcar's unordered, concurrent delivery.
 *
 * Order times are believed up to `limits` only: an incoming value stamped later than
 * `limits.incoming` is ordered at that limit, and a stored one later than `limits.stored` is
 * brought down to it. Both are reported in `future` (the `FutureSignal` metric). Without the
 * limits, one value stamped 10 years ahead would win every later comparison, and the item's
 * TTL, refreshed by the other signals' writes, would never let it go.
 *
 * - `applied`: newer than the stored value, so it is now the latest; or the stored value is the
 *   one this same `eventId` applied on an earlier attempt. That keeps the report stable across
 *   retries: when the handler throws after the merge, the retry finds its own values stored and
 *   still sees them as applied, so it acts on them (the action is not lost).
 * - `stale`: older order time than the stored value; skipped (the `StaleSignal` metric).
 * - `unchanged`: same order time and same body; every VEHICLE_STATE repeats every subscribed
 *   signal, so this is the common case and is not stale.
 * - `skipped`: a failed read (no `body`) or no timestamp at all: it must not replace a good value.
 *
 * The stored values are order-independent; `appliedBy` is history (who changed the value first)
 * and is not.
 *
 * @example
 * ```ts
 * const { signals, applied, stale, changed } = mergeSignals(stored, event.signals, event.eventId);
 * ```
 */
export function mergeSignals(
  current: Readonly<Record<string, StoredSignal>>,
  incoming: readonly Signal[],
  eventId: string,
  limits: OrderLimits = UNLIMITED,
): MergedSignals {
  const signals: Record<string, StoredSignal> = { ...current };
  const result: MergedSignals = {
    signals,
    applied: [],
    stale: [],
    unchanged: [],
    skipped: [],
    future: [],
    changed: false,
  };
  for (const [code, stored] of Object.entries(signals)) {
    if (stored.orderedAt <= limits.stored) continue;
    signals[code] = { ...stored, orderedAt: limits.stored };
    result.future.push(code);
    result.changed = true;
  }
  for (const signal of incoming) {
    const stampedAt = signalOrderTime(signal);
    if (signal.body === undefined || stampedAt === undefined) {
      result.skipped.push(signal.code);
      continue;
    }
    const orderedAt = Math.min(stampedAt, limits.incoming);
    if (orderedAt < stampedAt && !result.future.includes(signal.code)) result.future.push(signal.code);
    const next: StoredSignal = { body: signal.body, orderedAt, eventId };
    if (signal.name !== undefined) next.name = signal.name;
    if (signal.group !== undefined) next.group = signal.group;
    if (signal.meta.oemUpdatedAt !== undefined) next.oemUpdatedAt = signal.meta.oemUpdatedAt;
    if (signal.meta.retrievedAt !== undefined) next.retrievedAt = signal.meta.retrievedAt;
    const stored = signals[signal.code];
    if (isRetryOfTheCopyKept(stored, next, eventId)) {
      // A retry of the event that set this value: nothing to write, and the same report.
      result.applied.push(signal.code);
      continue;
    }
    if (!stored || stored.orderedAt < orderedAt) {
      signals[signal.code] = next;
      result.changed = true;
      result.applied.push(signal.code);
    } else if (stored.orderedAt > orderedAt) {
      result.stale.push(signal.code);
    } else {
      // Same moment: the deterministic tie-break decides which copy is kept, and a different
      // body only counts as applied when it wins.
      const wins = compareOrder(next, stored) > 0;
      const changesValue = wins && !sameBody(stored.body, next.body);
      if (wins) {
        // The same value from a later copy: the copy is replaced, the credit for applying it is not.
        if (!changesValue) next.appliedBy = appliedByOf(stored);
        signals[signal.code] = next;
        result.changed = true;
      }
      (changesValue ? result.applied : result.unchanged).push(signal.code);
    }
  }
  return result;
}

/**
 * True when `next` comes again from the event credited with the stored value and cannot win
 * against it: the merge would write nothing, so it reports `applied` as the first time did.
 * A copy that would win (a later `retrievedAt`, a different value) takes the normal path, so the
 * stored state never depends on arrival order.
 */
function isRetryOfTheCopyKept(stored: StoredSignal | undefined, next: StoredSignal, eventId: string): boolean {
  return (
    stored !== undefined &&
    stored.orderedAt === next.orderedAt &&
    appliedByOf(stored) === eventId &&
    sameBody(stored.body, next.body) &&
    compareOrder(next, stored) <= 0
  );
}

function sameBody(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

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
