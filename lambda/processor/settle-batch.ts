import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { BatchLedgerApi } from './idempotency/index.ts';
import type { ProcessorOutcome } from './types/index.ts';

type Outcome = Omit<ProcessorOutcome, 'messageId'>;

/** A record whose handler ran: reported `processed` only once the batch's completions are stored. */
export interface RanHandler {
  record: SQSRecord;
  outcome: Outcome;
  finalAttempt: boolean;
}

/** How {@link settleBatch} reports. */
export interface SettleHooks {
  logger: Logger;
  /** Reports one record's final outcome (metrics, observer). */
  report(record: SQSRecord, outcome: Outcome): void;
  /** Counts a record failed on its last allowed receive (`FinalAttemptFailed`). */
  finalAttemptFailed(): void;
}

/**
 * The batch's last step: stores its completions (`ledger.settle()`), then reports each record
 * whose handler ran as `processed`, or as `failed` when its completion could not be stored. Those
 * are added to the batch item failures: their handlers ran but nothing stored says so, and
 * failing them keeps Powertools Idempotency's contract (their next copy runs again once this
 * invocation's lease is over) rather than acknowledging them and running a later copy silently.
 *
 * @example
 * ```ts
 * const response = await processPartialResponse(event, processRecord, processor, { context });
 * return settleBatch(ledger, ranHandler, response, { logger, report });
 * ```
 */
export async function settleBatch(
  ledger: BatchLedgerApi,
  ranHandler: readonly RanHandler[],
  response: SQSBatchResponse,
  hooks: SettleHooks,
): Promise<SQSBatchResponse> {
  const { uncommitted, commitError } = await ledger.settle();
  const lost = new Set(uncommitted);
  for (const { record, outcome, finalAttempt } of ranHandler) {
    if (!lost.has(record.messageId)) hooks.report(record, outcome);
    else {
      if (finalAttempt) hooks.finalAttemptFailed();
      hooks.report(record, { outcome: 'failed', eventId: outcome.eventId, eventType: outcome.eventType, finalAttempt });
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
