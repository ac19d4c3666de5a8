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
