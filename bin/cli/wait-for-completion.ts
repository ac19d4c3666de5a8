import { setTimeout as sleep } from 'node:timers/promises';
import type { IdempotencyStatus, IdempotencyStatusReader } from '../../lambda/core/idempotency-status.ts';

/** Options of {@link waitForCompletion}. */
export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between reads. */
  intervalMs: number;
  /** Called after each read (progress output). */
  onRead?: (status: IdempotencyStatus | undefined) => void;
}

/** How the wait ended. */
export interface WaitResult {
  completed: boolean;
  /** The last status read; `undefined` when there was no record. */
  last: IdempotencyStatus | undefined;
  reads: number;
  elapsedMs: number;
}

/**
 * Reads an eventId's idempotency status until it is COMPLETED or `timeoutMs` has passed (one
 * last read at the deadline). A failing read rejects at once: it will not heal by waiting.
 *
 * @example
 * ```ts
 * const result = await waitForCompletion(target.readStatus, eventId, { timeoutMs: 60_000, intervalMs: 500 });
 * if (!result.completed) console.log(`still ${result.last ?? 'no record'}`);
 * ```
 */
export async function waitForCompletion(
  readStatus: IdempotencyStatusReader,
  eventId: string,
  options: WaitOptions,
): Promise<WaitResult> {
  const started = performance.now();
  let reads = 0;
  for (;;) {
    const last = await readStatus(eventId);
    reads++;
    options.onRead?.(last);
    const elapsedMs = performance.now() - started;
    if (last === 'COMPLETED') return { completed: true, last, reads, elapsedMs };
    const remaining = options.timeoutMs - elapsedMs;
    if (remaining <= 0) return { completed: false, last, reads, elapsedMs };
    await sleep(Math.min(options.intervalMs, remaining));
  }
}
