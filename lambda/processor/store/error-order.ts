import type { ErrorReport, StoredVehicleError } from '../types.ts';

/**
 * Ordering of one error kind's ERROR and RESOLVED reports.
 *
 * A VEHICLE_ERROR carries no time of its own: only `meta.deliveredAt`, which Smartcar refreshes on
 * every retry. A report delivered at `t` may therefore describe an event that happened up to the
 * retry span earlier (its first attempts failed). Two reports further apart than the span are in
 * a certain order; closer ones are not, and are both kept.
 *
 * Remembering when each eventId was first seen would not help: a late retry reaches the store only
 * because its earlier attempts never got through (or were deduplicated), so the late attempt is
 * the first one seen.
 */

/** Which of two reports was delivered later (ties by eventId, so the answer never depends on arrival order). */
function isLater(a: ErrorReport, b: ErrorReport): boolean {
  return a.reportedAt !== b.reportedAt ? a.reportedAt > b.reportedAt : a.eventId > b.eventId;
}

function reportOf(stored: ErrorReport): ErrorReport {
  return { state: stored.state, eventId: stored.eventId, reportedAt: stored.reportedAt };
}

/**
 * Merges a new report into the stored entry of one error kind. Pure, and order-independent for
 * two states: merging reports in any order ends with the same entry.
 *
 * - The later-delivered report is the entry (`state`, texts, `eventId`, `reportedAt`).
 * - `contested` is the latest report of another state delivered less than `retrySpanMs` before
 *   it, if any: the order of the two is unknown.
 * - A report of an event already recorded (a retry of it) changes nothing.
 * - When nothing changes, the result is `stored` itself (no write needed).
 *
 * @example
 * ```ts
 * const resolved = mergeErrorReport(undefined, toStored(resolvedError, 'e-2', t), spanMs);
 * const next = mergeErrorReport(resolved, toStored(errorRetry, 'e-1', t + 50_000), spanMs);
 * next.state; // 'ERROR', with next.contested = { state: 'RESOLVED', eventId: 'e-2', reportedAt: t }
 * ```
 */
export function mergeErrorReport(
  stored: StoredVehicleError | undefined,
  incoming: StoredVehicleError,
  retrySpanMs: number,
): StoredVehicleError {
  if (!stored) return incoming;
  if (stored.eventId === incoming.eventId || stored.contested?.eventId === incoming.eventId) return stored;
  const { contested: previous, ...current } = stored;
  const latest = isLater(incoming, current) ? incoming : current;
  const candidates = [current, previous, incoming].filter(
    (report): report is ErrorReport =>
      report !== undefined &&
      report !== latest &&
      report.state !== latest.state &&
      latest.reportedAt - report.reportedAt < retrySpanMs,
  );
  const contested = candidates.reduce<ErrorReport | undefined>(
    (best, report) => (best === undefined || isLater(report, best) ? report : best),
    undefined,
  );
  // Nothing new (an older report of the same state, say): the stored entry itself, so the caller can skip the write.
  if (latest === current && contested?.eventId === previous?.eventId) return stored;
  return contested ? { ...latest, contested: reportOf(contested) } : latest;
}
