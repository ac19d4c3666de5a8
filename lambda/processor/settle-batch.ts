import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { BatchLedgerApi } from './idempotency/index.ts';
import type { ProcessorOutcome } from './types/index.ts';

type Outcome = Omit<ProcessorOutcome, 'messageId'>;

/** One record's outcome as the processor decided it, published once the batch has settled. */
export interface RecordedOutcome {
  record: SQSRecord;
  outcome: Outcome;
  finalAttempt: boolean;
}

/** How {@link settleBatch} reports. */
export interface SettleHooks {
  logger: Logger;
  /** Publishes one record's final outcome (metrics, observer). */
  publish(record: SQSRecord, outcome: Outcome): void;
  /** Counts a record failed on its last allowed receive (`FinalAttemptFailed`). */
  finalAttemptFailed(): void;
}

/**
 * The batch's last step: stores its completions (`ledger.settle()`), then publishes every
 * record's outcome in the order they were decided, a `processed` one as `failed` instead when
 * its completion could not be stored. Those are added to the batch item failures: their handlers ran but nothing stored says so, and
 * failing them keeps Powertools Idempotency's contract (their next copy runs again once this
 * invocation's lease is over) rather than acknowledging them and running a later copy silently.
 *
 * @example
 * ```ts
 * const response = await processPartialResponse(event, processRecord, processor, { context });
 * return settleBatch(ledger, recorded, response, { logger, publish, finalAttemptFailed });
 * ```
 */
export async function settleBatch(
  ledger: BatchLedgerApi,
  recorded: readonly RecordedOutcome[],
  response: SQSBatchResponse,
  hooks: SettleHooks,
): Promise<SQSBatchResponse> {
  const { uncommitted, commitError, unreleased } = await ledger.settle();
  // Harmless (each lapses at its lease, then the next copy takes it over) but worth seeing.
  if (unreleased > 0) hooks.logger.warn('Failed claims not released; they lapse at their lease', { unreleased });
  const lost = new Set(uncommitted);
  for (const { record, outcome, finalAttempt } of recorded) {
    if (outcome.outcome !== 'processed' || !lost.has(record.messageId)) hooks.publish(record, outcome);
    else {
      if (finalAttempt) hooks.finalAttemptFailed();
      hooks.publish(record, {
        outcome: 'failed',
        eventId: outcome.eventId,
        eventType: outcome.eventType,
        finalAttempt,
      });
    }
  }
  if (lost.size === 0) return response;
  hooks.logger.error('Idempotency commit failed; the records are retried', {
    messageIds: uncommitted,
    error: commitError,
  });
  // A new object: Powertools may hand back a shared empty response that must never be mutated.
  return {
    batchItemFailures: [...response.batchItemFailures, ...uncommitted.map((itemIdentifier) => ({ itemIdentifier }))],
  };
}
