/**
 * Summary statistics for the bench. Percentiles come from `bin/cli/percentile.ts`, the
 * definition the `send` CLI prints with too (nearest rank).
 */
import { percentile } from '../bin/cli/percentile.ts';

/**
 * The median (nearest rank).
 *
 * @example
 * ```ts
 * median([5, 1, 3]); // 3
 * ```
 */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/**
 * Arithmetic mean; `NaN` for no values.
 *
 * @example
 * ```ts
 * mean([1, 2, 3]); // 2
 * ```
 */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/**
 * Rounds to `digits` decimals, for JSON output that stays readable.
 *
 * @example
 * ```ts
 * round(3.14159, 2); // 3.14
 * ```
 */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Wall-clock epoch milliseconds with sub-millisecond resolution, comparable across processes on
 * one machine (unlike `performance.now()` alone).
 *
 * @example
 * ```ts
 * const lagMs = handledAt - wallClockMs();
 * ```
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
