import { setTimeout as sleep } from 'node:timers/promises';
import { type FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { ArchiveWriter, PackedRecord } from '../types.ts';
import { ARCHIVE_DEADLINE_MS, ARCHIVE_MAX_ROUNDS, ARCHIVE_RETRY_BASE_MS } from './constants.ts';
import { packRecords } from './pack-records.ts';
import { requestChunks } from './request-chunks.ts';

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
