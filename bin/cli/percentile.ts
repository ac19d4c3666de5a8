/**
 * The one percentile definition behind every latency figure we print: the `send` CLI's summary
 * and every `npm run bench` figure.
 *
 * Nearest rank: the `q` quantile of `n` values is the value of rank `ceil(q * n)` (1-based) in
 * ascending order, clamped to `1..n`. It is always one of the measured values (no interpolation),
 * `q = 1` is the maximum, and a p99 of fewer than 100 values is the maximum too.
 *
 * @param values the measurements, in any order (not modified).
 * @param q the quantile, from 0 to 1 (0.5 for the median, 0.99 for p99).
 * @returns the value of that rank; `NaN` when there are no values.
 * @example
 * ```ts
 * percentile([3, 1, 2, 4], 0.5); // 2 (rank ceil(0.5 * 4) = 2)
 * percentile([3, 1, 2, 4], 0.99); // 4 (rank ceil(0.99 * 4) = 4)
 * ```
 */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}
