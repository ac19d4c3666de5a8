import type { PackedRecord } from '../types.ts';
import { PUT_RECORD_BATCH_LIMITS } from './constants.ts';

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
