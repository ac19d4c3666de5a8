import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';

// What the idempotency table holds and how the processor drives it.

/**
 * One event's claim, written once per event before its handler runs. `commit` names the commit
 * item that lists the key once its handler has succeeded; until `leaseUntil` (the claiming
 * invocation's deadline, epoch ms) the claim may still be in flight.
 */
export interface ClaimItem {
  id: string;
  commit: string;
  leaseUntil: number;
  /** Epoch seconds; DynamoDB TTL deletes the item some time after. */
  expiration: number;
}

/** The keys one batch completed (up to about 1 KB of them per item, one write unit). */
export interface CommitItem {
  id: string;
  done: string[];
  expiration: number;
}

/** Options of `createIdempotency`. */
export interface IdempotencyOptions {
  dynamodb: DynamoDBClient;
  tableName: string;
  /** How long a completed key is remembered, in seconds (Smartcar asks for at least 7 days). */
  ttlSeconds: number;
  /** @default Date.now */
  now?: () => number;
}

/** What `BatchLedger.runOnce` did: `ran` is false when the key had already completed. */
export interface RunOnceResult {
  ran: boolean;
}

/** What settling a batch did. */
export interface SettleResult {
  /** Ids (as given to `runOnce`) whose task ran but whose completion could not be written. */
  uncommitted: string[];
  /** Claims of failed tasks that could not be released (they lapse at their lease instead). */
  unreleased: number;
  /** The first commit write's error (`name: message`), when one failed. */
  commitError?: string;
}

/** The processor's view of the module: one ledger per invocation (per batch). */
export interface Idempotency {
  /** Starts the ledger of one invocation; its claims last as long as the invocation may run. */
  begin(context: Context | undefined): BatchLedgerApi;
}

/** One batch's claims and completions. */
export interface BatchLedgerApi {
  /**
   * Runs `task` unless `key` has already completed. `id` names the record in `SettleResult`.
   * Throws `EventInFlightError` when another copy holds the key, and rethrows what `task` throws.
   */
  runOnce(key: string, task: () => Promise<void>, id: string): Promise<RunOnceResult>;
  /** Writes the batch's completions and releases its failed claims; never rejects. Call once, last. */
  settle(): Promise<SettleResult>;
}
