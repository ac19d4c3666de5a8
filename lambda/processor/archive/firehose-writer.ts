import { setTimeout as sleep } from 'node:timers/promises';
import { type FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { ARCHIVE_DEADLINE_MS, ARCHIVE_MAX_ROUNDS, ARCHIVE_RETRY_BASE_MS } from './constants.ts';
import { requestChunks } from './request-chunks.ts';
import type { ArchiveEntry, ArchiveWriter } from './types.ts';

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
 * Archives entries with Firehose `PutRecordBatch`: one request per batch (more only past
 * Firehose's 500-record / 4 MiB limits), then, up to `maxRounds` in all, a retry of just the
 * entries Firehose reported failed. An entry still failing, or every entry of a request that
 * threw (after the SDK's own retries), or not stored within `deadlineMs`, is returned in
 * `failed`: its record must not be handled.
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
    chunk: readonly ArchiveEntry[],
    failed: Map<string, string>,
    deadline: AbortSignal,
  ): Promise<void> => {
    let pending = chunk;
    for (let round = 1; pending.length > 0; round++) {
      if (round > 1) await pause(round - 1);
      if (deadline.aborted) {
        for (const entry of pending)
          failed.set(entry.id, `not archived within ${deadlineMs} ms (${round - 1} round(s))`);
        return;
      }
      let retry: ArchiveEntry[] = [];
      let reason = '';
      try {
        const response = await options.firehose.send(
          new PutRecordBatchCommand({
            DeliveryStreamName: options.deliveryStreamName,
            Records: pending.map((entry) => ({ Data: entry.line })),
          }),
          { abortSignal: deadline },
        );
        if (!response.FailedPutCount) return;
        const results = response.RequestResponses ?? [];
        // Entries answer in request order; one without a RecordId (or missing) was not stored.
        retry = pending.filter((_entry, i) => !results[i]?.RecordId || results[i]?.ErrorCode);
        const codes = new Set(pending.flatMap((_entry, i) => (results[i]?.ErrorCode ? [results[i].ErrorCode] : [])));
        reason = `Firehose rejected it (${[...codes].join(', ') || 'no RecordId'})`;
      } catch (error) {
        retry = [...pending];
        reason = `PutRecordBatch failed (${(error as Error).name}: ${(error as Error).message})`;
      }
      if (round >= maxRounds) {
        for (const entry of retry) failed.set(entry.id, `${reason} after ${round} round(s)`);
        return;
      }
      pending = retry;
    }
  };

  return {
    async write(entries) {
      const failed = new Map<string, string>();
      const deadline = AbortSignal.timeout(deadlineMs);
      // Requests of one batch run one after another: a batch needs several only when it is huge.
      for (const chunk of requestChunks(entries)) await putChunk(chunk, failed, deadline);
      return { failed };
    },
  };
}
