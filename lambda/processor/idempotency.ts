import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { TABLE_SCHEMA } from '../core/constants.ts';
import { FALLBACK_REMAINING_TIME_MS, IDEMPOTENCY_KEY_PREFIX } from './constants.ts';

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
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.dynamodb,
    keyAttr: TABLE_SCHEMA.IDEMPOTENCY.partitionKey,
    expiryAttr: TABLE_SCHEMA.IDEMPOTENCY.ttlAttribute,
  });
  return async (eventId, task, context) => {
    // A config per call, because it carries the Lambda context (the in-progress lock lasts as
    // long as the invocation may), and the local pipeline runs batches concurrently.
    const config = new IdempotencyConfig({
      eventKeyJmesPath: 'eventId',
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
