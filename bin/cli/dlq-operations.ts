import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { MESSAGE_ATTRIBUTE } from '../../lambda/core/constants.ts';
import { describePayload } from './describe-payload.ts';
import { queueArn } from './queue-arn.ts';

/** The queues the DLQ tools work on. */
export interface DlqTarget {
  sqs: SQSClient;
  queueUrl: string;
  deadLetterQueueUrl: string;
  /** AWS SQS has `StartMessageMoveTask`; the local emulator does not. */
  supportsMoveTask: boolean;
}

/** One DLQ message as `dlq list` shows it. */
export interface DlqEntry {
  messageId: string;
  eventType: string;
  eventId: string;
  vehicleId: string;
  /** SQS's ApproximateReceiveCount, which every peek (this one included) increments. */
  receiveCount: number;
  /** When the receiver first enqueued the event (ISO), if known. */
  sentAt: string;
}

/** Which DLQ messages a redrive moves; all when empty. */
export interface RedriveFilter {
  eventIds?: readonly string[];
  eventType?: string;
}

export type RedriveResult = { mode: 'move-task'; taskHandle: string } | { mode: 'manual'; moved: number; kept: number };

/** How long messages stay hidden while a peek or a filtered redrive walks the DLQ. */
const WALK_VISIBILITY_SECONDS = 30;
const BATCH = 10;

/**
 * Lists up to `max` DLQ messages without consuming them: receives with a short visibility
 * timeout, then makes them visible again at once (`ChangeMessageVisibility 0`). Each peek
 * increments the messages' receive counts.
 *
 * @example
 * ```ts
 * for (const entry of await peekDlq(target, { max: 50 })) console.log(entry.eventId, entry.receiveCount);
 * ```
 */
export async function peekDlq(target: DlqTarget, options: { max: number }): Promise<DlqEntry[]> {
  const messages = await walk(target.sqs, target.deadLetterQueueUrl, options.max);
  await release(target.sqs, target.deadLetterQueueUrl, messages);
  return messages.map(toEntry);
}

/**
 * Moves DLQ messages back to the main queue. Without a filter, on AWS, this starts an SQS
 * message move task (`StartMessageMoveTask`, which SQS runs server-side). With a filter, or
 * locally, each matching message is sent to the main queue (body and attributes unchanged) and
 * only then deleted from the DLQ, so a failure in between duplicates a message (the processor's
 * idempotency absorbs that) but never loses one.
 *
 * @example
 * ```ts
 * await redriveDlq(target, { eventType: 'VEHICLE_STATE' }); // { mode: 'manual', moved: 3, kept: 1 }
 * ```
 */
export async function redriveDlq(target: DlqTarget, filter: RedriveFilter = {}): Promise<RedriveResult> {
  const filtered = Boolean(filter.eventIds?.length || filter.eventType);
  if (!filtered && target.supportsMoveTask) {
    const [sourceArn, destinationArn] = await Promise.all([
      queueArn(target.sqs, target.deadLetterQueueUrl),
      queueArn(target.sqs, target.queueUrl),
    ]);
    const { TaskHandle } = await target.sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }),
    );
    return { mode: 'move-task', taskHandle: TaskHandle ?? '' };
  }
  const messages = await walk(target.sqs, target.deadLetterQueueUrl, Number.POSITIVE_INFINITY);
  const matching = messages.filter((m) => matches(toEntry(m), filter));
  const kept = messages.filter((m) => !matching.includes(m));
  for (let i = 0; i < matching.length; i += BATCH) {
    const batch = matching.slice(i, i + BATCH);
    const sent = await target.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: target.queueUrl,
        Entries: batch.map((m, j) => ({
          Id: String(j),
          MessageBody: m.Body ?? '',
          ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length
            ? { MessageAttributes: m.MessageAttributes }
            : {}),
        })),
      }),
    );
    if (sent.Failed?.length) {
      throw new Error(`Could not send ${sent.Failed.length} message(s) back to the main queue; they stay in the DLQ`);
    }
    await target.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: target.deadLetterQueueUrl,
        Entries: batch.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  await release(target.sqs, target.deadLetterQueueUrl, kept);
  return { mode: 'manual', moved: matching.length, kept: kept.length };
}

/**
 * Deletes every message in the DLQ (`PurgeQueue`; AWS allows one purge a minute per queue).
 *
 * @example
 * ```ts
 * await purgeDlq(target);
 * ```
 */
export async function purgeDlq(target: DlqTarget): Promise<void> {
  await target.sqs.send(new PurgeQueueCommand({ QueueUrl: target.deadLetterQueueUrl }));
}

/** Receives until the queue looks empty or `max` distinct messages are held (hidden). */
async function walk(sqs: SQSClient, queueUrl: string, max: number): Promise<Message[]> {
  const held = new Map<string, Message>();
  while (held.size < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(BATCH, max - held.size),
        VisibilityTimeout: WALK_VISIBILITY_SECONDS,
        // A short wait: AWS short polls may miss messages that exist.
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const fresh = Messages.filter((m) => m.MessageId && !held.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const m of fresh) held.set(m.MessageId!, m);
  }
  return [...held.values()];
}

/** Makes held messages visible again at once. */
async function release(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += BATCH) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages
          .slice(i, i + BATCH)
          .map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  }
}

function matches(entry: DlqEntry, filter: RedriveFilter): boolean {
  if (filter.eventIds?.length && !filter.eventIds.includes(entry.eventId)) return false;
  if (filter.eventType && entry.eventType !== filter.eventType) return false;
  return true;
}

function toEntry(message: Message): DlqEntry {
  const attributes = message.MessageAttributes ?? {};
  // A body that is not JSON describes nothing: the attributes are all there is.
  const body = describePayload(message.Body ?? '');
  const receivedAt = Number(
    attributes[MESSAGE_ATTRIBUTE.RECEIVED_AT]?.StringValue ?? message.Attributes?.SentTimestamp,
  );
  return {
    messageId: message.MessageId ?? '',
    eventType: attributes[MESSAGE_ATTRIBUTE.EVENT_TYPE]?.StringValue ?? body.eventType ?? '-',
    eventId: attributes[MESSAGE_ATTRIBUTE.EVENT_ID]?.StringValue ?? body.eventId ?? '-',
    vehicleId: body.vehicleId ?? '-',
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    sentAt: Number.isFinite(receivedAt) ? new Date(receivedAt).toISOString() : '-',
  };
}
