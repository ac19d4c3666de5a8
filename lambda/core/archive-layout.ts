/**
 * Where archive objects live: one prefix per UTC hour, `YYYY/MM/DD/HH/`, the layout Firehose's
 * `!{timestamp:yyyy/MM/dd/HH}` prefix expression writes (and the local archive copies), under the
 * bucket's or folder's {@link ARCHIVE_DATA_PREFIX}.
 */

/** Prefix of every archived delivery in the bucket (errors Firehose could not deliver go under `errors/`). */
export const ARCHIVE_DATA_PREFIX = 'events/';

/**
 * How every archive object's name ends, in the bucket and in the local folder: each is GZIP (in
 * the bucket, the processor's gzipped records end to end, one GZIP member each), so tools that go
 * by the name (`gunzip`, `zcat`) read it as such. Firehose is told to use it
 * (`FileExtension`): it stores the records as they are (`UNCOMPRESSED`), which alone would name them without one.
 */
export const ARCHIVE_OBJECT_EXTENSION = '.gz';

/** Prefix of the records Firehose could not write to the bucket (its `errorOutputPrefix`). */
export const ARCHIVE_ERROR_PREFIX = 'errors/';

const HOUR_MS = 60 * 60 * 1000;

/**
 * The hour prefix of an instant, UTC, e.g. `2026/12/01/08/`.
 *
 * @example
 * ```ts
 * hourPrefix(Date.parse('2026-12-01T08:59:59Z')); // '2026/12/01/08/'
 * ```
 */
export function hourPrefix(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2026-12-01T08:59:59.000Z
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}/`;
}

/**
 * Every hour prefix from the hour of `from` through the hour of `to` (inclusive), oldest first.
 *
 * @example
 * ```ts
 * hourPrefixes(Date.parse('2026-12-01T23:30Z'), Date.parse('2026-12-02T00:10Z'));
 * // ['2026/12/01/23/', '2026/12/02/00/']
 * ```
 */
export function hourPrefixes(from: number, to: number): string[] {
  const prefixes: string[] = [];
  for (let hour = Math.floor(from / HOUR_MS) * HOUR_MS; hour <= to; hour += HOUR_MS) prefixes.push(hourPrefix(hour));
  return prefixes;
}

/**
 * Firehose's largest buffering interval for an S3 destination (seconds). Firehose files each
 * object under the hour of the **oldest** record in it and may hold a record this long before
 * writing, so a record that reached Firehose at 09:01 can sit in an object under `…/08/`.
 */
export const FIREHOSE_MAX_BUFFERING_INTERVAL_SECONDS = 900;

/**
 * How far before a window's start a reader lists hour prefixes: the largest buffering interval
 * any stack can be deployed with, plus 5 minutes for Firehose's own delivery delays. A reader
 * does not know the stack's configured interval (300 s by default), so it assumes the bound;
 * the cost is at most one more hour prefix listed, whose records are then kept or skipped by
 * their own `receivedAt`.
 */
export const ARCHIVE_EARLY_FILING_MS = (FIREHOSE_MAX_BUFFERING_INTERVAL_SECONDS + 300) * 1000;

/**
 * How far after a window's end a reader lists hour prefixes at least: records reach the archive
 * after the receiver accepted them (the queue, then the processor's archive step), seconds
 * later when the processor keeps up. A backlog needs more (`npm run replay -- --late-hours`).
 */
export const ARCHIVE_LATE_FILING_MS = 15 * 60 * 1000;

/**
 * The hour prefixes that can hold a record received in `[from, to)`: from {@link ARCHIVE_EARLY_FILING_MS}
 * before `from` (an object is filed under the hour of its oldest record) through `lateMs` after
 * `to` (records are archived after they are received), at least {@link ARCHIVE_LATE_FILING_MS}.
 * Readers keep or skip each record by its own `receivedAt`.
 *
 * @example
 * ```ts
 * archiveWindowPrefixes(Date.parse('2026-12-01T09:00Z'), Date.parse('2026-12-01T09:30Z'), 0);
 * // ['2026/12/01/08/', '2026/12/01/09/']
 * ```
 */
export function archiveWindowPrefixes(from: number, to: number, lateMs: number): string[] {
  return hourPrefixes(from - ARCHIVE_EARLY_FILING_MS, to - 1 + Math.max(lateMs, ARCHIVE_LATE_FILING_MS));
}
