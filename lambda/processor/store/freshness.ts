import type { Signal, SignalMergeResult, StoredSignal } from '../types/index.ts';

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
): MergedSignals {
  const signals: Record<string, StoredSignal> = { ...current };
  const result: MergedSignals = { signals, applied: [], stale: [], unchanged: [], skipped: [], changed: false };
  for (const signal of incoming) {
    const orderedAt = signalOrderTime(signal);
    if (signal.body === undefined || orderedAt === undefined) {
      result.skipped.push(signal.code);
      continue;
    }
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
