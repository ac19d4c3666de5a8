import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { PIPELINE_DEFAULTS, SERVICE } from '../lambda/core/constants.ts';
import { LOCAL_REGION } from './api/constants.ts';
import { LOCAL_DEFAULTS } from './constants.ts';
import { createLambdaContext } from './lambda-context.ts';
import { toSqsEvent } from './sqs-event.ts';
import type { Poller } from './types.ts';

/** How much longer than the invocation timeout an abandoned run keeps its idempotency lock. */
const ABANDONED_RUN_LOCK_FACTOR = 2;

/** A handler with Lambda's SQS signature (the processor's). */
export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsBatchHandler;
  logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** @default PIPELINE_DEFAULTS.batchSize */
  batchSize?: number;
  /** @default LOCAL_DEFAULTS.waitTimeSeconds */
  waitTimeSeconds?: number;
  /** Invocation timeout: a batch still running after it counts as failed, as in Lambda. @default PIPELINE_DEFAULTS.processorTimeoutSeconds */
  timeoutSeconds?: number;
  /** @default LOCAL_DEFAULTS.pollerConcurrency */
  concurrency?: number;
  /** @default LOCAL_REGION */
  region?: string;
  /** @default SERVICE.PROCESSOR */
  functionName?: string;
}

/** Why a whole batch was left to the visibility timeout. */
class BatchAbandoned extends Error {}

/**
 * A local stand-in for Lambda's SQS event source mapping: long-polls the queue, hands each
 * batch to `handler` as an `SQSEvent`, deletes only the records that were not reported in
 * `batchItemFailures`, and leaves the rest to the visibility timeout so the queue's redrive
 * policy moves poison messages to the DLQ. A handler that throws, times out or reports an
 * unknown item fails the whole batch, as in Lambda. Receive errors (emulator down) are
 * logged and retried with backoff; they never stop the poller.
 *
 * @example
 * ```ts
 * const poller = createPoller({ sqs, queueUrl, queueArn, handler: processorHandler, logger });
 * poller.start();
 * await poller.stop(); // finishes the batch in flight, then returns
 * ```
 */
export function createPoller(options: PollerOptions): Poller {
  const batchSize = options.batchSize ?? PIPELINE_DEFAULTS.batchSize;
  const waitTimeSeconds = options.waitTimeSeconds ?? LOCAL_DEFAULTS.waitTimeSeconds;
  const timeoutSeconds = options.timeoutSeconds ?? PIPELINE_DEFAULTS.processorTimeoutSeconds;
  const concurrency = options.concurrency ?? LOCAL_DEFAULTS.pollerConcurrency;
  const source = { queueArn: options.queueArn, region: options.region ?? LOCAL_REGION };
  const functionName = options.functionName ?? SERVICE.PROCESSOR;
  const { logger } = options;

  let running = false;
  // A kill bumps the epoch; a batch that started in an older epoch is abandoned undeleted.
  let epoch = 0;
  let abort = new AbortController();
  let loops: Promise<void>[] = [];

  async function receive(signal: AbortSignal): Promise<Message[]> {
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    return Messages;
  }

  async function invoke(messages: Message[]): Promise<Set<string>> {
    const event = toSqsEvent(messages, source);
    // Lambda stops a function at its timeout; a local promise cannot be stopped, so an abandoned
    // batch may still be running when its messages come back after the visibility timeout. The
    // context reports a deadline past that redelivery, so the idempotency lock of the abandoned
    // run outlives it: the redelivered copy finds the event in flight and is retried (then a
    // duplicate) instead of running the business handler a second time.
    const context = createLambdaContext(functionName, timeoutSeconds * ABANDONED_RUN_LOCK_FACTOR);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new BatchAbandoned(`invocation timed out after ${timeoutSeconds} s`)),
        timeoutSeconds * 1000,
      );
    });
    try {
      const response = await Promise.race([options.handler(event, context), timeout]);
      const ids = new Set(event.Records.map((r) => r.messageId));
      const failed = new Set<string>();
      for (const failure of response?.batchItemFailures ?? []) {
        // Lambda treats an empty or unknown identifier as a failure of the whole batch.
        if (!failure.itemIdentifier || !ids.has(failure.itemIdentifier)) {
          throw new BatchAbandoned(`batchItemFailures names an unknown item "${failure.itemIdentifier}"`);
        }
        failed.add(failure.itemIdentifier);
      }
      return new Set([...ids].filter((id) => !failed.has(id)));
    } finally {
      clearTimeout(timer);
    }
  }

  async function remove(messages: Message[], succeeded: Set<string>): Promise<void> {
    const entries = messages
      .filter((m) => m.MessageId && succeeded.has(m.MessageId))
      .map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
    if (entries.length === 0) return;
    const result = await options.sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: entries }),
    );
    if (result.Failed?.length) {
      // The message comes back after the visibility timeout; idempotency makes that harmless.
      logger.warn('Some processed messages could not be deleted and will be redelivered', {
        failed: result.Failed.length,
      });
    }
  }

  async function loop(myEpoch: number, signal: AbortSignal): Promise<void> {
    let backoff: number = LOCAL_DEFAULTS.pollerBackoffMs.initial;
    let failing = false;
    while (running && myEpoch === epoch) {
      try {
        const messages = await receive(signal);
        if (failing) logger.info('Queue reachable again; polling resumed');
        failing = false;
        backoff = LOCAL_DEFAULTS.pollerBackoffMs.initial;
        if (messages.length === 0) continue;
        let succeeded: Set<string>;
        try {
          succeeded = await invoke(messages);
        } catch (error) {
          logger.error('Batch failed as a whole; every message returns after the visibility timeout', {
            error,
            messages: messages.length,
          });
          continue;
        }
        if (myEpoch !== epoch) return;
        await remove(messages, succeeded);
      } catch (error) {
        if (signal.aborted) return;
        if (!failing)
          logger.warn('Polling the queue failed; retrying with backoff', { error: (error as Error).message });
        failing = true;
        try {
          await sleep(backoff, undefined, { signal });
        } catch {
          return; // aborted by stop() or kill()
        }
        backoff = Math.min(backoff * 2, LOCAL_DEFAULTS.pollerBackoffMs.max);
      }
    }
  }

  function start(): void {
    if (running) return;
    running = true;
    abort = new AbortController();
    const myEpoch = epoch;
    loops = Array.from({ length: concurrency }, () => loop(myEpoch, abort.signal));
  }

  return {
    get running() {
      return running;
    },
    start,
    async stop() {
      running = false;
      abort.abort();
      await Promise.allSettled(loops);
    },
    kill() {
      running = false;
      epoch += 1;
      abort.abort();
    },
  };
}
