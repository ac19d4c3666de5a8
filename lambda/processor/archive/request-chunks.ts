import { PUT_RECORD_BATCH_LIMITS } from './constants.ts';
import type { ArchiveEntry } from './types.ts';

/**
 * Splits entries into `PutRecordBatch` requests within Firehose's limits (500 records, 4 MiB),
 * in order. A batch of SQS's usual 10 records is always one request; only large batches (up to
 * 10,000 records with a batching window) or large bodies need more.
 *
 * @example
 * ```ts
 * requestChunks(entries).length; // 1 for 10 small records; 3 for 10 records of 1,000 KiB each
 * ```
 */
export function requestChunks(
  entries: readonly ArchiveEntry[],
  limits: { maxRecords: number; maxBytes: number } = PUT_RECORD_BATCH_LIMITS,
): ArchiveEntry[][] {
  const chunks: ArchiveEntry[][] = [];
  let current: ArchiveEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length > 0 && (current.length === limits.maxRecords || bytes + entry.line.length > limits.maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.line.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
