import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';

// How the processor drives Powertools Idempotency (see ../idempotency.ts).

/** Options of `createIdempotency`. */
export interface IdempotencyOptions {
  dynamodb: DynamoDBClient;
  tableName: string;
  /** How long a completed key is remembered, in seconds (queue + DLQ retention; Smartcar asks for 7 days at least). */
  ttlSeconds: number;
}

/**
 * Runs `task` unless `key` has completed: `ran` is false for a duplicate (the task did not run).
 * Rethrows what the task throws (its record is deleted first), and throws
 * `IdempotencyAlreadyInProgressError` while another copy holds the key (see `isInFlightElsewhere`).
 */
export type IdempotentRunner = (key: string, task: () => Promise<void>) => Promise<{ ran: boolean }>;

/** Idempotency for one invocation's records, created by `createIdempotency`. */
export interface Idempotency {
  /** The runner of one invocation: its records stay INPROGRESS at most as long as it may run. */
  begin(context: Context | undefined): IdempotentRunner;
}
