import { setTimeout as sleep } from 'node:timers/promises';
import {
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { archiveWindowPrefixes } from '../../lambda/core/archive-layout.ts';
import { type ArchivedDelivery, ArchiveFormatError, readArchiveObject } from '../../lambda/core/archive-record.ts';
import { MESSAGE_ATTRIBUTE } from '../../lambda/core/constants.ts';
import { matchesReplay, type ReplayFilter } from './replay-filter.ts';
import type { ArchiveSource } from './replay-source.ts';

/** SQS `SendMessageBatch`: at most 10 entries and 1 MiB (all bodies and attributes) per call. */
const SQS_BATCH = { maxEntries: 10, maxBytes: 1_048_576 } as const;
const HOUR_MS = 3_600_000;

/** Counts of a replay run; the progress callback gets them as they change. */
export interface ReplayCounts {
  /** Archive objects listed for the window's hours, and read so far. */
  objects: number;
  objectsRead: number;
  /** Records in the window that pass every filter. */
  matched: number;
  sent: number;
  /** Records read from the listed hours that are outside the window or filtered out. */
  skipped: number;
  /** Matched records SQS did not accept. */
  failed: number;
}

/** What could not be read: a whole object (truncated GZIP) or single lines. Never swallowed. */
export interface UnreadablePart {
  key: string;
  /** 1-based line number; absent when the whole object is unreadable. */
  line?: number;
  reason: string;
}

/** The end of a run. */
export interface ReplaySummary extends ReplayCounts {
  replayId: string;
  unreadable: UnreadablePart[];
  elapsedMs: number;
}

/** Options of {@link runReplay}. */
export interface ReplayRunOptions {
  source: ArchiveSource;
  /** Where replayed messages go: the pipeline's main queue. */
  sqs: SQSClient;
  queueUrl: string;
  filter: ReplayFilter;
  /** One per run: the processor's idempotency key includes it, handlers see it as `event.replay.id`. */
  replayId: string;
  /** Messages per second at most. */
  rate: number;
  /** Count only: send nothing. */
  dryRun: boolean;
  /**
   * Hours after `filter.to` whose prefixes are read too: objects are filed by when Firehose (or
   * the local archive) wrote them, which trails the receive time by seconds, or by the backlog
   * when the processor was behind.
   */
  lateHours: number;
  onProgress?: (counts: Readonly<ReplayCounts>) => void;
  /**
   * Told each matched record once its fate is known: `matched` on a dry run, else `sent` or
   * `failed` (`--json` writes a line each).
   */
  onRecord?: (delivery: Readonly<ArchivedDelivery>, result: 'matched' | 'sent' | 'failed') => void;
  /** Rewrites each matched record before it is sent (`--redact`). @default none */
  transform?: (delivery: ArchivedDelivery) => ArchivedDelivery;
  /** Message attributes added to every copy besides the original ones and `replayId` (`--into-local`'s source). */
  extraAttributes?: Record<string, MessageAttributeValue>;
}

/**
 * Replays a window of the archive: reads every object of the hour prefixes that can hold the
 * window's records ({@link archiveWindowPrefixes}: the window's hours, the minutes before it
 * Firehose's filing by oldest record reaches back, and `lateHours` after it), gunzips it, keeps the records whose `receivedAt` is in the window and that pass
 * the filters, and sends each raw body to the main queue with its original attributes plus
 * `replayId`, at most `rate` per second. A truncated object or an unreadable line is reported in
 * `unreadable`; the run goes on with the rest.
 *
 * @example
 * ```ts
 * const summary = await runReplay({ source, sqs, queueUrl, filter, replayId, rate: 100, dryRun: false, lateHours: 1 });
 * console.log(summary.matched, summary.sent, summary.failed);
 * ```
 */
export async function runReplay(options: ReplayRunOptions): Promise<ReplaySummary> {
  const started = Date.now();
  const counts: ReplayCounts = { objects: 0, objectsRead: 0, matched: 0, sent: 0, skipped: 0, failed: 0 };
  const unreadable: UnreadablePart[] = [];
  const progress = () => options.onProgress?.({ ...counts });
  const pacer = createPacer(options.rate);

  const keys: string[] = [];
  for (const prefix of archiveWindowPrefixes(options.filter.from, options.filter.to, options.lateHours * HOUR_MS)) {
    keys.push(...(await options.source.list(prefix)));
  }
  counts.objects = keys.length;
  progress();

  let pending: ArchivedDelivery[] = [];
  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    await pacer(batch.length);
    const failed = await sendBatch(options.sqs, options.queueUrl, batch, {
      ...replayAttributesFor(options.replayId),
      ...options.extraAttributes,
    });
    counts.sent += batch.length - failed.size;
    counts.failed += failed.size;
    batch.forEach((delivery, i) => {
      options.onRecord?.(delivery, failed.has(i) ? 'failed' : 'sent');
    });
    progress();
  };

  for (const key of keys) {
    let deliveries: ArchivedDelivery[];
    try {
      const contents = readArchiveObject(await options.source.read(key));
      deliveries = contents.deliveries;
      for (const bad of contents.badLines) unreadable.push({ key, line: bad.line, reason: bad.reason });
    } catch (error) {
      if (!(error instanceof ArchiveFormatError)) throw error;
      unreadable.push({ key, reason: error.message });
      deliveries = [];
    }
    for (const delivery of deliveries) {
      if (!matchesReplay(delivery, options.filter)) {
        counts.skipped += 1;
        continue;
      }
      counts.matched += 1;
      if (options.dryRun) {
        options.onRecord?.(delivery, 'matched');
        continue;
      }
      const copy = options.transform ? options.transform(delivery) : delivery;
      if (pending.length === SQS_BATCH.maxEntries || batchBytes([...pending, copy]) > SQS_BATCH.maxBytes) await flush();
      pending.push(copy);
    }
    counts.objectsRead += 1;
    progress();
  }
  await flush();
  return { ...counts, replayId: options.replayId, unreadable, elapsedMs: Date.now() - started };
}

const stringAttribute = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

/** The attributes the receiver gave the delivery, from its archive record (a replayed copy gets them all back). */
function originalAttributes(delivery: ArchivedDelivery): Record<string, MessageAttributeValue> {
  return {
    [MESSAGE_ATTRIBUTE.EVENT_TYPE]: stringAttribute(delivery.eventType),
    [MESSAGE_ATTRIBUTE.ROUTE]: stringAttribute(delivery.route),
    [MESSAGE_ATTRIBUTE.RECEIVED_AT]: { DataType: 'Number', StringValue: String(delivery.receivedAt) },
    ...(delivery.eventId ? { [MESSAGE_ATTRIBUTE.EVENT_ID]: stringAttribute(delivery.eventId) } : {}),
    ...(delivery.deliveryId ? { [MESSAGE_ATTRIBUTE.DELIVERY_ID]: stringAttribute(delivery.deliveryId) } : {}),
  };
}

function replayAttributesFor(replayId: string): Record<string, MessageAttributeValue> {
  return { [MESSAGE_ATTRIBUTE.REPLAY_ID]: stringAttribute(replayId) };
}

/**
 * Sends one batch; entries SQS reports failed are retried once. Resolves to the indexes (in
 * `deliveries`) that still failed.
 */
async function sendBatch(
  sqs: SQSClient,
  queueUrl: string,
  deliveries: readonly ArchivedDelivery[],
  added: Record<string, MessageAttributeValue>,
): Promise<Set<number>> {
  let entries: SendMessageBatchRequestEntry[] = deliveries.map((delivery, i) => ({
    Id: String(i),
    MessageBody: delivery.body,
    MessageAttributes: { ...originalAttributes(delivery), ...added },
  }));
  for (let attempt = 1; attempt <= 2 && entries.length > 0; attempt++) {
    try {
      const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const failedIds = new Set((result.Failed ?? []).map((f) => f.Id));
      entries = entries.filter((entry) => failedIds.has(entry.Id));
    } catch {
      // The whole call failed (after the SDK's retries): try the batch once more, then count it failed.
    }
  }
  return new Set(entries.map((entry) => Number(entry.Id)));
}

function batchBytes(deliveries: readonly ArchivedDelivery[]): number {
  // Body plus a generous allowance for the attributes (names, types and values are a few hundred bytes).
  return deliveries.reduce((sum, d) => sum + Buffer.byteLength(d.body) + 512, 0);
}

/** Waits so that no more than `rate` messages per second leave, counted from the first. */
function createPacer(rate: number): (messages: number) => Promise<void> {
  let started: number | undefined;
  let released = 0;
  return async (messages) => {
    started ??= Date.now();
    const due = started + (released / rate) * 1000;
    released += messages;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
  };
}
