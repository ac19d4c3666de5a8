// The archive step, before any handler runs: each record's delivery as one line, packed into
// Firehose records (gzipped members, never split) and PutRecordBatch requests within the limits,
// written with bounded retries. A record whose archive fails fails without running its handler.
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { type FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { SQSRecord } from 'aws-lambda';
import { type ArchivedDelivery, FIREHOSE_MAX_RECORD_BYTES, serializeArchiveLine } from '../core/archive-record.ts';
import { MESSAGE_ATTRIBUTE } from '../core/constants.ts';
import {
  ARCHIVE_DEADLINE_MS,
  ARCHIVE_MAX_ROUNDS,
  ARCHIVE_RETRY_BASE_MS,
  PUT_RECORD_BATCH_LIMITS,
} from './constants.ts';
import { receivedAtOf } from './parse-event.ts';
import type { ArchiveEntry, ArchiveOutcome, ArchiveWriter, PackedRecord } from './types.ts';

/**
 * The delivery an SQS record carries, with the attributes the receiver set. `receivedAt` falls
 * back to SQS's `SentTimestamp` for a message sent by hand (no attribute).
 *
 * @example
 * ```ts
 * archivedDeliveryOf(record); // { eventId: 'e-1', eventType: 'VEHICLE_STATE', route: 'data', receivedAt: 1764..., body }
 * ```
 */
export function archivedDeliveryOf(record: SQSRecord): ArchivedDelivery {
  const attribute = (name: string): string | undefined => record.messageAttributes?.[name]?.stringValue || undefined;
  const eventId = attribute(MESSAGE_ATTRIBUTE.EVENT_ID);
  const deliveryId = attribute(MESSAGE_ATTRIBUTE.DELIVERY_ID);
  return {
    ...(eventId ? { eventId } : {}),
    eventType: attribute(MESSAGE_ATTRIBUTE.EVENT_TYPE) ?? 'UNKNOWN',
    ...(deliveryId ? { deliveryId } : {}),
    route: attribute(MESSAGE_ATTRIBUTE.ROUTE) ?? '',
    receivedAt: receivedAtOf(record) ?? 0,
    body: record.body,
  };
}

/** True for a copy sent by `npm run replay`: it came from the archive, so it is not archived again. */
export function isReplay(record: SQSRecord): boolean {
  return Boolean(record.messageAttributes?.[MESSAGE_ATTRIBUTE.REPLAY_ID]?.stringValue);
}

/**
 * The archive step of one batch, before any handler runs: every record but replays is written
 * with one `writer.write` call. A record whose line cannot fit a Firehose record even gzipped,
 * or whose write failed, is in `failed`, so the processor fails it without running its handler.
 *
 * @example
 * ```ts
 * const { failed } = await archiveBatch(writer, sqsEvent.Records);
 * if (failed.has(record.messageId)) throw new ArchiveError(failed.get(record.messageId));
 * ```
 */
export async function archiveBatch(writer: ArchiveWriter, records: readonly SQSRecord[]): Promise<ArchiveOutcome> {
  const failed = new Map<string, string>();
  const entries: ArchiveEntry[] = [];
  for (const record of records) {
    if (isReplay(record)) continue;
    const line = serializeArchiveLine(archivedDeliveryOf(record));
    if (line) entries.push({ id: record.messageId, line });
    else failed.set(record.messageId, 'the record does not fit a Firehose record (1,000 KiB) even gzipped');
  }
  if (entries.length === 0) return { failed, archived: 0 };
  let writeFailed: Map<string, string>;
  try {
    writeFailed = (await writer.write(entries)).failed;
  } catch (error) {
    // A writer should report failures per entry; one that throws failed them all.
    writeFailed = new Map(entries.map((entry) => [entry.id, `the archive write threw (${(error as Error).message})`]));
  }
  for (const [id, reason] of writeFailed) failed.set(id, reason);
  return { failed, archived: entries.length - writeFailed.size };
}

/** Options of {@link createFirehoseArchiveWriter}. */
export interface FirehoseArchiveWriterOptions {
  firehose: FirehoseClient;
  deliveryStreamName: string;
  /** @default ARCHIVE_MAX_ROUNDS (3) */
  maxRounds?: number;
  /** Time for one `write`, all rounds included; what is not stored by then fails. @default ARCHIVE_DEADLINE_MS */
  deadlineMs?: number;
  /** Pause before retry round `round`; tests pass a no-op. @default 100 ms x round, full jitter */
  pause?: (round: number) => Promise<void>;
}

/**
 * Archives entries with Firehose `PutRecordBatch`: the batch's lines packed into as few gzipped
 * records as fit ({@link packRecords}), one request per batch (more only past Firehose's
 * 500-record / 4 MiB limits), then, up to `maxRounds` in all, a retry of just the packed records
 * Firehose reported failed. Every entry of a packed record still failing, of a request that threw
 * (after the SDK's own retries), or not stored within `deadlineMs`, is returned in `failed`, as
 * is an entry whose line alone does not fit a record gzipped: its SQS record must not be handled.
 *
 * @example
 * ```ts
 * const writer = createFirehoseArchiveWriter({ firehose, deliveryStreamName: 'archive' });
 * const { failed } = await writer.write([{ id: record.messageId, line }]);
 * ```
 */
export function createFirehoseArchiveWriter(options: FirehoseArchiveWriterOptions): ArchiveWriter {
  const maxRounds = options.maxRounds ?? ARCHIVE_MAX_ROUNDS;
  const pause = options.pause ?? ((round: number) => sleep(Math.random() * ARCHIVE_RETRY_BASE_MS * round));

  const deadlineMs = options.deadlineMs ?? ARCHIVE_DEADLINE_MS;

  const putChunk = async (
    chunk: readonly PackedRecord[],
    failed: Map<string, string>,
    deadline: AbortSignal,
  ): Promise<void> => {
    let pending = chunk;
    for (let round = 1; pending.length > 0; round++) {
      if (round > 1) await pause(round - 1);
      if (deadline.aborted) {
        failAll(failed, pending, `not archived within ${deadlineMs} ms (${round - 1} round(s))`);
        return;
      }
      let retry: PackedRecord[] = [];
      let reason = '';
      try {
        const response = await options.firehose.send(
          new PutRecordBatchCommand({
            DeliveryStreamName: options.deliveryStreamName,
            Records: pending.map((record) => ({ Data: record.data })),
          }),
          { abortSignal: deadline },
        );
        if (!response.FailedPutCount) return;
        const results = response.RequestResponses ?? [];
        // Records answer in request order; one without a RecordId (or missing) was not stored.
        retry = pending.filter((_record, i) => !results[i]?.RecordId || results[i]?.ErrorCode);
        const codes = new Set(pending.flatMap((_record, i) => (results[i]?.ErrorCode ? [results[i].ErrorCode] : [])));
        reason = `Firehose rejected it (${[...codes].join(', ') || 'no RecordId'})`;
      } catch (error) {
        retry = [...pending];
        reason = `PutRecordBatch failed (${(error as Error).name}: ${(error as Error).message})`;
      }
      if (round >= maxRounds) {
        failAll(failed, retry, `${reason} after ${round} round(s)`);
        return;
      }
      pending = retry;
    }
  };

  return {
    deliveryStreamName: options.deliveryStreamName,
    async write(entries) {
      const failed = new Map<string, string>();
      const deadline = AbortSignal.timeout(deadlineMs);
      const { records, tooLarge } = packRecords(entries);
      for (const entry of tooLarge) failed.set(entry.id, 'its line does not fit a Firehose record (1,000 KiB) gzipped');
      // Requests of one batch run one after another: a batch needs several only when it is huge.
      for (const chunk of requestChunks(records)) await putChunk(chunk, failed, deadline);
      return { failed };
    },
  };
}

/** Fails every entry the records carry: a packed record is stored whole or not at all. */
function failAll(failed: Map<string, string>, records: readonly PackedRecord[], reason: string): void {
  for (const record of records) for (const id of record.ids) failed.set(id, reason);
}

/** What {@link packRecords} made of one batch's entries. */
export interface PackedBatch {
  /** The Firehose records to send, in the order of the entries they carry. */
  records: PackedRecord[];
  /** Entries whose line alone, gzipped, is over the record limit: they cannot be archived. */
  tooLarge: ArchiveEntry[];
}

/**
 * Packs a batch's archive lines into as few Firehose records as fit: each record's data is the
 * GZIP of consecutive whole lines (never a line split), at most `maxBytes` compressed, so the
 * lines keep their order across records. Firehose bills every record rounded up to 5 KB, so a
 * batch of ten 6 KB lines costs one small record instead of ten 10 KB ones; Firehose then
 * concatenates the records into an S3 object of GZIP members, which is valid GZIP (RFC 1952).
 *
 * @example
 * ```ts
 * const { records } = packRecords(entries); // 10 lines of 6 KB: [{ ids: ['m-1', ..., 'm-10'], data: <gzip, ~2 KB> }]
 * ```
 */
export function packRecords(entries: readonly ArchiveEntry[], maxBytes = FIREHOSE_MAX_RECORD_BYTES): PackedBatch {
  const packed: PackedBatch = { records: [], tooLarge: [] };
  let start = 0;
  while (start < entries.length) {
    const run = longestRunFrom(entries, start, maxBytes);
    if (run) {
      packed.records.push({ ids: entries.slice(start, run.end).map((entry) => entry.id), data: run.data });
      start = run.end;
    } else {
      packed.tooLarge.push(entries[start] as ArchiveEntry);
      start += 1;
    }
  }
  return packed;
}

/**
 * The longest run of entries from `start` whose gzipped lines fit `maxBytes`, with that GZIP;
 * undefined when not even the first line fits. GZIP's size is only known by compressing, so it
 * first grows the run by the compression ratio it has seen (one try for a usual batch of ten,
 * which fits whole), then bisects between the longest run that fit and the shortest that did not.
 */
function longestRunFrom(
  entries: readonly ArchiveEntry[],
  start: number,
  maxBytes: number,
): { end: number; data: Buffer } | undefined {
  const gzipRun = (end: number): Buffer => gzipSync(Buffer.concat(entries.slice(start, end).map((e) => e.line)));
  let fit: { end: number; data: Buffer } | undefined;
  // The shortest run end known not to fit; past the last entry while none is known.
  let over = entries.length + 1;
  let rawBudget = maxBytes;
  while (over - (fit?.end ?? start) > 1) {
    const longestFit = fit?.end ?? start;
    const end =
      over > entries.length
        ? runEndWithin(entries, start, longestFit + 1, rawBudget)
        : Math.floor((longestFit + over) / 2);
    const data = gzipRun(end);
    if (data.length <= maxBytes) {
      fit = { end, data };
      rawBudget = (maxBytes * rawBytes(entries, start, end)) / data.length;
    } else {
      over = end;
    }
  }
  return fit;
}

/** The end of the longest run from `start`, at least to `minEnd`, whose plain lines stay within `budget` bytes. */
function runEndWithin(entries: readonly ArchiveEntry[], start: number, minEnd: number, budget: number): number {
  let end = minEnd;
  let bytes = rawBytes(entries, start, end);
  while (end < entries.length && bytes + (entries[end] as ArchiveEntry).line.length <= budget) {
    bytes += (entries[end] as ArchiveEntry).line.length;
    end += 1;
  }
  return end;
}

function rawBytes(entries: readonly ArchiveEntry[], start: number, end: number): number {
  let bytes = 0;
  for (let i = start; i < end; i++) bytes += (entries[i] as ArchiveEntry).line.length;
  return bytes;
}

/**
 * Splits packed records into `PutRecordBatch` requests within Firehose's limits (500 records,
 * 4 MiB), in order. A batch of SQS's usual 10 records packs into one record, so one request;
 * only huge batches (up to 10,000 records with a batching window) or large bodies need more.
 *
 * @example
 * ```ts
 * requestChunks(packRecords(entries).records).length; // 1 for 10 small records; 3 for 9 records of 1,000 KiB each
 * ```
 */
export function requestChunks(
  records: readonly PackedRecord[],
  limits: { maxRecords: number; maxBytes: number } = PUT_RECORD_BATCH_LIMITS,
): PackedRecord[][] {
  const chunks: PackedRecord[][] = [];
  let current: PackedRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    if (current.length > 0 && (current.length === limits.maxRecords || bytes + record.data.length > limits.maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += record.data.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
