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

/** Options of a DLQ walk (peek or filtered redrive). */
export interface WalkOptions {
  /**
   * How long each message the walk holds stays hidden; held messages are extended
   * (`ChangeMessageVisibility`) while the walk outlasts it, so none reappears before the walk
   * ends, and a crashed walk's messages reappear at most this long after it. Tests shorten it.
   * @default WALK_HOLD_SECONDS (300)
   */
  holdSeconds?: number;
}

/** Options of {@link redriveDlq}. */
export interface RedriveOptions extends WalkOptions {
  /** Told the messages of each batch once they are in the main queue (`--json` writes a line each). */
  onMoved?: (entries: DlqEntry[]) => void;
}

/**
 * How long a walk keeps messages hidden, renewed while it runs. A filtered redrive of ~10,000
 * messages takes minutes; holding for less than the walk made early messages reappear and the
 * walk stop early or delete with stale receipt handles.
 */
export const WALK_HOLD_SECONDS = 300;
const BATCH = 10;

/**
 * Lists up to `max` DLQ messages without consuming them: receives them (held hidden, see
 * {@link WalkOptions}), then makes them visible again at once (`ChangeMessageVisibility 0`).
 * Each peek increments the messages' receive counts.
 *
 * @example
 * ```ts
 * for (const entry of await peekDlq(target, { max: 50 })) console.log(entry.eventId, entry.receiveCount);
 * ```
 */
export async function peekDlq(target: DlqTarget, options: { max: number } & WalkOptions): Promise<DlqEntry[]> {
  const held = await walkDlq(target.sqs, target.deadLetterQueueUrl, options.max, options, async () => []);
  await release(target.sqs, target.deadLetterQueueUrl, held);
  return held.map(toEntry);
}

/**
 * Moves DLQ messages back to the main queue. Without a filter, on AWS, this starts an SQS
 * message move task (`StartMessageMoveTask`, which SQS runs server-side). With a filter, or
 * locally, the DLQ is walked 10 messages at a time: each matching message is sent to the main
 * queue (body and attributes unchanged) and only then deleted from the DLQ, with the receipt
 * handle of the receive that just returned it, so a failure in between duplicates a message (the
 * processor's idempotency absorbs that) but never loses one. The others are held hidden, their
 * holds extended while the walk runs, so a DLQ of any size is walked once, to its end, and then
 * made visible again. SQS keeps at most 120,000 messages of a standard queue in flight: a larger
 * DLQ needs an unfiltered move task.
 *
 * @example
 * ```ts
 * await redriveDlq(target, { eventType: 'VEHICLE_STATE' }); // { mode: 'manual', moved: 3, kept: 1 }
 * ```
 */
export async function redriveDlq(
  target: DlqTarget,
  filter: RedriveFilter = {},
  options: RedriveOptions = {},
): Promise<RedriveResult> {
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
  let moved = 0;
  const kept = await walkDlq(
    target.sqs,
    target.deadLetterQueueUrl,
    Number.POSITIVE_INFINITY,
    options,
    async (batch) => {
      const matching = batch.filter((m) => matches(toEntry(m), filter));
      if (matching.length > 0) {
        await moveToMainQueue(target, matching);
        moved += matching.length;
        options.onMoved?.(matching.map(toEntry));
      }
      return matching;
    },
  );
  await release(target.sqs, target.deadLetterQueueUrl, kept);
  return { mode: 'manual', moved, kept: kept.length };
}

/**
 * Sends messages to the main queue (body and attributes unchanged), then deletes them from the
 * DLQ with the receipt handles of the receive that just returned them: a failure in between
 * duplicates a message (the processor's idempotency absorbs that) but never loses one.
 */
async function moveToMainQueue(target: DlqTarget, messages: readonly Message[]): Promise<void> {
  const sent = await target.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: target.queueUrl,
      Entries: messages.map((m, j) => ({
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
  await deleteMessages(target.sqs, target.deadLetterQueueUrl, messages);
}

async function deleteMessages(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  const deleted = await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
    }),
  );
  if (deleted.Failed?.length) {
    throw new Error(
      `Could not delete ${deleted.Failed.length} redriven message(s) from the DLQ (${deleted.Failed[0]?.Code}); they are in the main queue too, and processing them twice is absorbed by the processor's idempotency`,
    );
  }
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

/** A message the walk holds hidden: its latest receive (whose receipt handle is the valid one) and until when. */
interface HeldMessage {
  message: Message;
  hiddenUntil: number;
}

/**
 * Receives the queue 10 at a time until a receive returns nothing (or `max` messages are held),
 * handing each batch of new messages to `take`, which consumes some of them (sends and deletes,
 * with this receive's fresh receipt handles) and returns those. The others stay held: hidden for
 * `holdSeconds`, extended before it runs out while the walk goes on, so the walk never meets
 * them again and ends only when the queue has no visible message. A message met again anyway
 * (a lost extension, or SQS's at-least-once delivery) is not handed out twice: a held one gets
 * its newer receipt handle, a consumed one is deleted again. On an error, the held messages are
 * made visible again before it is rethrown.
 *
 * @returns the held messages with their latest receipt handles, for the caller to release.
 */
async function walkDlq(
  sqs: SQSClient,
  queueUrl: string,
  max: number,
  options: WalkOptions,
  take: (batch: Message[]) => Promise<readonly Message[]>,
): Promise<Message[]> {
  const holdSeconds = options.holdSeconds ?? WALK_HOLD_SECONDS;
  const held = new Map<string, HeldMessage>();
  const consumed = new Set<string>();
  try {
    while (held.size < max) {
      await extendHolds(sqs, queueUrl, held, holdSeconds);
      const receivedAt = Date.now();
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(BATCH, max - held.size),
          VisibilityTimeout: holdSeconds,
          // A short wait: AWS short polls may miss messages that exist.
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      const fresh: Message[] = [];
      const consumedAgain: Message[] = [];
      for (const message of Messages) {
        const id = message.MessageId ?? '';
        const known = held.get(id);
        if (known) held.set(id, { message, hiddenUntil: receivedAt + holdSeconds * 1000 });
        else if (consumed.has(id)) consumedAgain.push(message);
        else fresh.push(message);
      }
      if (consumedAgain.length > 0) await deleteMessages(sqs, queueUrl, consumedAgain);
      if (fresh.length === 0) continue;
      const taken = new Set((await take(fresh)).map((m) => m.MessageId));
      for (const message of fresh) {
        if (taken.has(message.MessageId)) consumed.add(message.MessageId ?? '');
        else held.set(message.MessageId ?? '', { message, hiddenUntil: receivedAt + holdSeconds * 1000 });
      }
    }
  } catch (error) {
    await release(
      sqs,
      queueUrl,
      [...held.values()].map((h) => h.message),
    ).catch(() => undefined);
    throw error;
  }
  return [...held.values()].map((h) => h.message);
}

/** Extends, by `holdSeconds`, the holds that have less than half of it left. */
async function extendHolds(
  sqs: SQSClient,
  queueUrl: string,
  held: Map<string, HeldMessage>,
  holdSeconds: number,
): Promise<void> {
  const now = Date.now();
  const due = [...held.values()].filter((h) => h.hiddenUntil - now < (holdSeconds * 1000) / 2);
  for (let i = 0; i < due.length; i += BATCH) {
    const batch = due.slice(i, i + BATCH);
    const extendedAt = Date.now();
    const result = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((h, j) => ({
          Id: String(j),
          ReceiptHandle: h.message.ReceiptHandle,
          VisibilityTimeout: holdSeconds,
        })),
      }),
    );
    const failed = new Set((result.Failed ?? []).map((f) => f.Id));
    // A failed extension leaves the message to reappear: the walk then meets it again and takes its new handle.
    batch.forEach((h, j) => {
      if (!failed.has(String(j))) h.hiddenUntil = extendedAt + holdSeconds * 1000;
    });
  }
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
