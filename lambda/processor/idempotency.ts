import { IdempotencyConfig, IdempotencyItemNotFoundError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { TABLE_SCHEMA } from '../core/constants.ts';
import type { IdempotencyStatus, IdempotencyStatusReader } from '../core/idempotency-status.ts';
import { FALLBACK_REMAINING_TIME_MS, IDEMPOTENCY_KEY_PREFIX } from './constants.ts';

/** The idempotency key is Smartcar's `eventId`, the field of the object the runner passes. */
const EVENT_KEY_JMESPATH = 'eventId';

/** Options of {@link createIdempotentRunner}. */
export interface IdempotentRunnerOptions {
  dynamodb: DynamoDBClient;
  tableName: string;
  /** How long a completed eventId is remembered (Smartcar asks for at least 7 days). */
  ttlSeconds: number;
}

/**
 * Runs a task once per eventId in normal operation. `ran` is false when the eventId had already
 * completed: the task was not run again. It is at-least-once, not exactly-once: if the write that
 * marks the eventId COMPLETED fails after the task returned, the record stays INPROGRESS until
 * the invocation's time is up, and the next receive runs the task again.
 */
export type IdempotentRunner = (
  eventId: string,
  task: () => Promise<void>,
  context: Context | undefined,
) => Promise<{ ran: boolean }>;

/**
 * Powertools Idempotency on DynamoDB, keyed on Smartcar's `eventId` (a Smartcar retry is a new SQS
 * message, so the SQS messageId would not catch it).
 *
 * - A task that throws releases the key (the record is deleted), so the retry runs it again.
 * - While a task runs, its key is INPROGRESS until the Lambda's remaining time runs out; another
 *   copy arriving meanwhile throws `IdempotencyAlreadyInProgressError` (see {@link isInFlightElsewhere}).
 *
 * @example
 * ```ts
 * const runOnce = createIdempotentRunner({ dynamodb, tableName: 'idempotency', ttlSeconds: 604800 });
 * const { ran } = await runOnce(event.eventId, () => handler(event), lambdaContext);
 * ```
 */
export function createIdempotentRunner(options: IdempotentRunnerOptions): IdempotentRunner {
  const persistenceStore = createPersistenceStore(options);
  return async (eventId, task, context) => {
    // A config per call, because it carries the Lambda context (the in-progress lock lasts as
    // long as the invocation may), and the local pipeline runs batches concurrently.
    const config = new IdempotencyConfig({
      eventKeyJmesPath: EVENT_KEY_JMESPATH,
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: options.ttlSeconds,
      lambdaContext: withRemainingTime(context),
    });
    let ran = false;
    const once = makeIdempotent(
      async (_key: { eventId: string }): Promise<void> => {
        ran = true;
        await task();
      },
      { persistenceStore, config, keyPrefix: IDEMPOTENCY_KEY_PREFIX },
    );
    await once({ eventId });
    return { ran };
  };
}

export type { IdempotencyStatus, IdempotencyStatusReader } from '../core/idempotency-status.ts';

/**
 * Reads idempotency records the way the runner writes them: Powertools derives the key (prefix,
 * JMESPath, hash) from the same settings and reads it with a consistent GetItem. No record means
 * the eventId never reached a handler, or its task failed and released the key. For tools (the
 * local status endpoint, `npm run smoke`); the processor itself never reads.
 *
 * @example
 * ```ts
 * const readStatus = createIdempotencyStatusReader({ dynamodb, tableName: 'idempotency' });
 * if ((await readStatus('evt-1')) === 'COMPLETED') console.log('processed');
 * ```
 */
export function createIdempotencyStatusReader(
  options: Pick<IdempotentRunnerOptions, 'dynamodb' | 'tableName'>,
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

function createPersistenceStore(
  options: Pick<IdempotentRunnerOptions, 'dynamodb' | 'tableName'>,
): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.dynamodb,
    keyAttr: TABLE_SCHEMA.IDEMPOTENCY.partitionKey,
    expiryAttr: TABLE_SCHEMA.IDEMPOTENCY.ttlAttribute,
  });
}

/**
 * True when another copy of the same event is being handled right now.
 *
 * @example
 * ```ts
 * if (isInFlightElsewhere(error)) logger.info('copy in flight, SQS will retry this one');
 * ```
 */
export function isInFlightElsewhere(error: unknown): boolean {
  return error instanceof Error && error.name === 'IdempotencyAlreadyInProgressError';
}

/** Without a remaining time the INPROGRESS lock would never expire, and a crash would block the event for the full TTL. */
function withRemainingTime(context: Context | undefined): Context {
  if (context && typeof context.getRemainingTimeInMillis === 'function') return context;
  const deadline = Date.now() + FALLBACK_REMAINING_TIME_MS;
  return { ...context, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as Context;
}
