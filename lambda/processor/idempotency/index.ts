import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { FALLBACK_REMAINING_TIME_MS } from '../constants.ts';
import { BatchLedger } from './batch-ledger.ts';
import { ClaimStore } from './claim-store.ts';
import { EventInFlightError } from './errors.ts';
import type { Idempotency, IdempotencyOptions } from './types.ts';

export type { IdempotencyStatus, IdempotencyStatusReader } from '../../core/idempotency-status.ts';
export { BatchLedger } from './batch-ledger.ts';
export { EventInFlightError, IdempotencyError } from './errors.ts';
export { createIdempotencyStatusReader } from './status-reader.ts';
export type * from './types.ts';

/**
 * Idempotency on Smartcar's `eventId` in DynamoDB (a Smartcar retry is a new SQS message, so the
 * SQS messageId would not catch it): one `BatchLedger` per invocation (see it for the protocol).
 *
 * @example
 * ```ts
 * const idempotency = createIdempotency({ dynamodb, tableName: 'idempotency', ttlSeconds: 604_800 });
 * const ledger = idempotency.begin(lambdaContext);
 * const { ran } = await ledger.runOnce(event.eventId, () => handler(event), record.messageId);
 * await ledger.settle();
 * ```
 */
export function createIdempotency(options: IdempotencyOptions): Idempotency {
  const store = new ClaimStore(DynamoDBDocumentClient.from(options.dynamodb), options.tableName);
  const now = options.now ?? Date.now;
  return {
    begin(context: Context | undefined) {
      // Without a remaining time a crashed claim would block its event until its TTL.
      const remaining =
        typeof context?.getRemainingTimeInMillis === 'function'
          ? context.getRemainingTimeInMillis()
          : FALLBACK_REMAINING_TIME_MS;
      return new BatchLedger(store, { deadline: now() + remaining, ttlSeconds: options.ttlSeconds, now });
    },
  };
}

/**
 * True when another copy of the same event holds its key right now (the record is retried later).
 *
 * @example
 * ```ts
 * if (isInFlightElsewhere(error)) logger.info('copy in flight, SQS will retry this one');
 * ```
 */
export function isInFlightElsewhere(error: unknown): boolean {
  return error instanceof EventInFlightError;
}
