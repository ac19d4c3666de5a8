import type { ProcessorOutcome } from '../lambda/processor/types.ts';
import type { ReceiverOutcome } from '../lambda/receiver/types.ts';
import type { LocalStats } from './api/types.ts';

/** Counts what the receiver and the processor report, plus queue depths polled from SQS. */
export interface StatsCollector {
  onReceiverOutcome(outcome: ReceiverOutcome): void;
  onProcessorOutcome(outcome: ProcessorOutcome): void;
  setDepths(depths: { queued: number; dlq: number }): void;
  /** Deliveries the local archive stored. */
  onArchived(count: number): void;
  snapshot(): LocalStats;
}

/**
 * A collector for the local pipeline's live counts, fed by the handlers' `onOutcome` hooks.
 *
 * @example
 * ```ts
 * const stats = createStatsCollector();
 * const receiver = createReceiverHandler({ ...deps, onOutcome: stats.onReceiverOutcome });
 * stats.snapshot().enqueued;
 * ```
 */
export function createStatsCollector(): StatsCollector {
  const stats: LocalStats = {
    received: 0,
    enqueued: 0,
    rejected: 0,
    quarantined: 0,
    receiverErrors: 0,
    verified: 0,
    processed: {},
    processedTotal: 0,
    duplicates: 0,
    stale: 0,
    ignored: 0,
    failed: 0,
    finalFailures: 0,
    queued: 0,
    dlq: 0,
    archived: 0,
    replayed: 0,
  };
  return {
    onReceiverOutcome(outcome) {
      stats.received += 1;
      if (outcome.enqueued) stats.enqueued += 1;
      if (outcome.statusCode >= 400 && outcome.statusCode < 500) stats.rejected += 1;
      if (outcome.code === 'quarantined') stats.quarantined += 1;
      if (outcome.statusCode >= 500) stats.receiverErrors += 1;
      if (outcome.eventType === 'VERIFY' && outcome.statusCode === 200) stats.verified += 1;
    },
    onProcessorOutcome(outcome) {
      stats.stale += outcome.staleSignals ?? 0;
      switch (outcome.outcome) {
        case 'processed': {
          const type = outcome.eventType ?? 'UNKNOWN';
          stats.processed[type] = (stats.processed[type] ?? 0) + 1;
          stats.processedTotal += 1;
          if (outcome.replayId) stats.replayed += 1;
          break;
        }
        case 'duplicate':
          stats.duplicates += 1;
          break;
        case 'ignored':
          stats.ignored += 1;
          break;
        case 'failed':
          stats.failed += 1;
          if (outcome.finalAttempt) stats.finalFailures += 1;
          break;
      }
    },
    onArchived(count) {
      stats.archived += count;
    },
    setDepths({ queued, dlq }) {
      stats.queued = queued;
      stats.dlq = dlq;
    },
    snapshot() {
      return { ...stats, processed: { ...stats.processed } };
    },
  };
}

/**
 * One line for the terminal, e.g.
 * `received 12 | enqueued 11 | processed 9 | duplicates 2 | failed 0 | in DLQ 0`.
 *
 * @example
 * ```ts
 * process.stdout.write(`\r${formatStatsLine(pipeline.stats())}`);
 * ```
 */
export function formatStatsLine(stats: LocalStats): string {
  return [
    `received ${stats.received}`,
    `enqueued ${stats.enqueued}`,
    `rejected ${stats.rejected}`,
    `processed ${stats.processedTotal}`,
    `duplicates ${stats.duplicates}`,
    `failed ${stats.failed}`,
    `in DLQ ${stats.dlq}`,
  ].join(' | ');
}
