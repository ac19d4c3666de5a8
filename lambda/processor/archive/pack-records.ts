import { gzipSync } from 'node:zlib';
import { FIREHOSE_MAX_RECORD_BYTES } from '../../core/archive-record.ts';
import type { ArchiveEntry, PackedRecord } from '../types.ts';

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
