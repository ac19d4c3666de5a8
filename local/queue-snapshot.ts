import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetQueueAttributesCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { readJsonFile, writeJsonFile } from './json-file.ts';
import type { LocalQueues } from './types.ts';

/** One saved message: what SQS lets a sender set. */
export interface SavedMessage {
  body: string;
  /** Message attributes; binary values base64. */
  attributes: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  /** When SQS first had it (epoch ms string), for the record only: a restored message is new to SQS. */
  sentTimestamp?: string;
}

/** The file `npm start` writes at Ctrl-C and reads at start. */
export interface QueueSnapshot {
  version: 1;
  savedAt: string;
  /** What a restore cannot bring back. */
  notKept: string;
  main: SavedMessage[];
  dlq: SavedMessage[];
}

/** What a restored message loses: SQS sets these itself when a message is sent. */
export const NOT_KEPT =
  'message ids, receive counts (a restored message starts at 0 receives, so a failing one gets maxReceiveCount more attempts), sent timestamps, visibility (in-flight messages come back visible), the DLQ source-queue attribute';

const BATCH = 10;
/** Held long enough for one save; the emulator is closed right after. */
const HOLD_SECONDS = 120;

/**
 * Saves every message of the main queue and the DLQ to `file` (written to a temporary name,
 * then renamed, so a crash mid-save leaves the previous snapshot). Messages a failed batch left
 * in flight are waited for (up to `inFlightWaitMs`) so they are saved too. The messages are
 * only held, not deleted: the emulator is about to close.
 *
 * @example
 * ```ts
 * await poller.stop();
 * await saveQueues(sqs, queues, '.local-data/sqs/queues.json', 5_000); // { main: 2, dlq: 1 }
 * ```
 */
export async function saveQueues(
  sqs: SQSClient,
  queues: LocalQueues,
  file: string,
  inFlightWaitMs: number,
): Promise<{ main: number; dlq: number }> {
  const snapshot: QueueSnapshot = {
    version: 1,
    savedAt: new Date().toISOString(),
    notKept: NOT_KEPT,
    main: await drain(sqs, queues.queueUrl, inFlightWaitMs),
    dlq: await drain(sqs, queues.deadLetterQueueUrl, inFlightWaitMs),
  };
  await writeJsonFile(file, snapshot);
  return { main: snapshot.main.length, dlq: snapshot.dlq.length };
}

/**
 * Sends the messages of a snapshot back to their queues (body and message attributes as they
 * were); `undefined` when there is no snapshot. The file stays: if this run dies without
 * saving, the next start restores the same messages again (a duplicate the processor's
 * idempotency absorbs) rather than losing them.
 *
 * @example
 * ```ts
 * const restored = await restoreQueues(sqs, queues, '.local-data/sqs/queues.json'); // { main: 2, dlq: 1 }
 * ```
 */
export async function restoreQueues(
  sqs: SQSClient,
  queues: LocalQueues,
  file: string,
): Promise<{ main: number; dlq: number } | undefined> {
  const snapshot = await readJsonFile<QueueSnapshot>(file);
  if (!snapshot) return undefined;
  await send(sqs, queues.queueUrl, snapshot.main ?? []);
  await send(sqs, queues.deadLetterQueueUrl, snapshot.dlq ?? []);
  return { main: snapshot.main?.length ?? 0, dlq: snapshot.dlq?.length ?? 0 };
}

async function drain(sqs: SQSClient, queueUrl: string, inFlightWaitMs: number): Promise<SavedMessage[]> {
  const saved = new Map<string, SavedMessage>();
  const deadline = Date.now() + inFlightWaitMs;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: BATCH,
        VisibilityTimeout: HOLD_SECONDS,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['SentTimestamp'],
        MessageAttributeNames: ['All'],
      }),
    );
    for (const message of Messages) if (message.MessageId) saved.set(message.MessageId, toSaved(message));
    if (Messages.length > 0) continue;
    // Empty now; anything still in flight becomes visible when its visibility timeout ends.
    if (Date.now() >= deadline || !(await inFlightBesides(sqs, queueUrl, saved.size))) return [...saved.values()];
    await sleep(200);
  }
}

/** True when messages other than the `held` ones this save received are in flight. */
async function inFlightBesides(sqs: SQSClient, queueUrl: string, held: number): Promise<boolean> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) > held;
}

function toSaved(message: {
  Body?: string;
  MessageAttributes?: Record<string, MessageAttributeValue>;
  Attributes?: Record<string, string>;
}): SavedMessage {
  const attributes: SavedMessage['attributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    attributes[name] = {
      DataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { BinaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
    };
  }
  const saved: SavedMessage = { body: message.Body ?? '', attributes };
  if (message.Attributes?.SentTimestamp) saved.sentTimestamp = message.Attributes.SentTimestamp;
  return saved;
}

async function send(sqs: SQSClient, queueUrl: string, messages: readonly SavedMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += BATCH) {
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.slice(i, i + BATCH).map((message, j) => ({
          Id: String(j),
          MessageBody: message.body,
          ...(Object.keys(message.attributes).length
            ? {
                MessageAttributes: Object.fromEntries(
                  Object.entries(message.attributes).map(
                    ([name, { BinaryValue, ...rest }]): [string, MessageAttributeValue] => [
                      name,
                      BinaryValue === undefined ? rest : { ...rest, BinaryValue: Buffer.from(BinaryValue, 'base64') },
                    ],
                  ),
                ),
              }
            : {}),
        })),
      }),
    );
    if (result.Failed?.length) throw new Error(`Could not restore ${result.Failed.length} message(s) to ${queueUrl}`);
  }
}
