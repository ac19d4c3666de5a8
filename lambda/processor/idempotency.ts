import { IdempotencyConfig, IdempotencyItemNotFoundError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { TABLE_SCHEMA } from '../core/constants.ts';
import type { IdempotencyStatus, IdempotencyStatusReader } from '../core/idempotency-status.ts';
import { EVENT_KEY_JMESPATH, FALLBACK_REMAINING_TIME_MS, IDEMPOTENCY_KEY_PREFIX } from './constants.ts';
import type { Idempotency, IdempotencyOptions } from './types.ts';

export type { IdempotencyStatus, IdempotencyStatusReader } from '../core/idempotency-status.ts';
export type { Idempotency, IdempotencyOptions, IdempotentRunner } from './types.ts';

/**
 * Powertools Idempotency (`makeIdempotent` on a `DynamoDBPersistenceLayer`) per record, keyed on
 * Smartcar's `eventId` (a Smartcar retry is a new SQS message, so the messageId would not catch it).
 * The contract is the library's, record by record:
 *
 * - Before the task runs, one conditional PutItem marks the key INPROGRESS until the invocation's
 *   deadline (`registerLambdaContext`). It succeeds only when no record exists, the record expired,
 *   or it is INPROGRESS past that deadline (its invocation crashed or timed out). A COMPLETED
 *   record is never taken over.
 * - When the task returns, an UpdateItem marks the key COMPLETED (kept `ttlSeconds`), before the
 *   next record of the batch depends on it: a timeout later in the batch re-runs only the record
 *   in flight. If that write fails the record fails, and its next copy runs the task again once
 *   the deadline has passed.
 * - When the task throws, a DeleteItem releases the key, so SQS's retry runs it.
 * - A copy that finds the key INPROGRESS and not yet expired fails (`IdempotencyAlreadyInProgressError`)
 *   and is retried by SQS later; one that finds it COMPLETED is a duplicate.
 *
 * @example
 * ```ts
 * const idempotency = createIdempotency({ dynamodb, tableName: 'idempotency', ttlSeconds: 1_641_600 });
 * const runOnce = idempotency.begin(lambdaContext); // once per invocation
 * const { ran } = await runOnce(event.eventId, () => handler(event));
 * ```
 */
export function createIdempotency(options: IdempotencyOptions): Idempotency {
  const persistenceStore = createPersistenceStore(options);
  return {
    begin(context) {
      // One config per invocation, as it carries the invocation's context: the local pipeline runs
      // batches of one processor concurrently.
      const config = new IdempotencyConfig({
        eventKeyJmesPath: EVENT_KEY_JMESPATH,
        throwOnNoIdempotencyKey: true,
        expiresAfterSeconds: options.ttlSeconds,
      });
      config.registerLambdaContext(withRemainingTime(context));
      // The key object is the payload Powertools hashes (argument 0); the task rides along.
      const once = makeIdempotent(
        async (_key: { eventId: string }, task: () => Promise<void>): Promise<void> => task(),
        { persistenceStore, config, keyPrefix: IDEMPOTENCY_KEY_PREFIX, dataIndexArgument: 0 },
      );
      return async (key, task) => {
        let ran = false;
        await once({ eventId: key }, async () => {
          ran = true;
          await task();
        });
        return { ran };
      };
    },
  };
}

/**
 * Reads idempotency records the way the processor writes them: Powertools derives the key (prefix,
 * JMESPath, hash) from the same settings and reads it with a consistent GetItem. No record means
 * the eventId never reached a handler, or its handler failed and released the key. For tools (the
 * local status endpoint, `npm run smoke`); the processor itself reads only after a refused write.
 *
 * @example
 * ```ts
 * const readStatus = createIdempotencyStatusReader({ dynamodb, tableName: 'idempotency' });
 * if ((await readStatus('evt-1')) === 'COMPLETED') console.log('processed');
 * ```
 */
export function createIdempotencyStatusReader(
  options: Pick<IdempotencyOptions, 'dynamodb' | 'tableName'>,
): IdempotencyStatusReader {
  const persistenceStore = createPersistenceStore(options);
  persistenceStore.configure({
    config: new IdempotencyConfig({ eventKeyJmesPath: EVENT_KEY_JMESPATH }),
    keyPrefix: IDEMPOTENCY_KEY_PREFIX,
  });
  return async (eventId) => {
    try {
      const record = await persistenceStore.getRecord({ eventId });
      return record.getStatus() as IdempotencyStatus;
    } catch (error) {
      if (error instanceof IdempotencyItemNotFoundError) return undefined;
      throw error;
    }
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
  return error instanceof Error && error.name === 'IdempotencyAlreadyInProgressError';
}

function createPersistenceStore(options: Pick<IdempotencyOptions, 'dynamodb' | 'tableName'>): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.dynamodb,
    keyAttr: TABLE_SCHEMA.IDEMPOTENCY.partitionKey,
    expiryAttr: TABLE_SCHEMA.IDEMPOTENCY.ttlAttribute,
  });
}

/**
 * The invocation's context as Powertools reads it, with a remaining time that never reaches 0.
 * Powertools writes no in-progress expiry when the remaining time is missing or 0 (its `if
 * (remainingTimeInMillis)`), and a record without one can never be taken over: a crash would then
 * hold the event for the whole TTL (19 days). So a context without a clock gets
 * `FALLBACK_REMAINING_TIME_MS`, and one at its deadline reports 1 ms (the deadline itself).
 */
function withRemainingTime(context: Context | undefined): Context {
  const fallbackDeadline = Date.now() + FALLBACK_REMAINING_TIME_MS;
  const remaining = (): number =>
    typeof context?.getRemainingTimeInMillis === 'function'
      ? context.getRemainingTimeInMillis()
      : fallbackDeadline - Date.now();
  return { ...context, getRemainingTimeInMillis: () => Math.max(1, remaining()) } as Context;
}
