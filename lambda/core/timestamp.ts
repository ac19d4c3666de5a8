/**
 * Earliest time a Smartcar timestamp may name: 2001-09-09T01:46:40Z, epoch second 1e9. Nothing
 * Smartcar or an OEM stamps is older; a smaller value is a reset vehicle clock, a counter, or a
 * unit this module cannot tell apart.
 */
export const EARLIEST_TIMESTAMP_MS = 1e12;

/**
 * First time a Smartcar timestamp may no longer name: 5138-11-16T09:46:40Z, epoch second 1e11.
 * Up to it, every supported unit of a plausible time has its own band of magnitudes (below).
 */
export const LATEST_TIMESTAMP_MS = 1e14;

/**
 * The units a numeric timestamp may be in, each with the magnitudes read in it. A plausible time
 * ({@link EARLIEST_TIMESTAMP_MS} to {@link LATEST_TIMESTAMP_MS}) is between 1e9 and 1e11 seconds,
 * so each unit owns the band [1e9, 1e11) × its size, and the bands never overlap: a number is
 * read in the one unit that makes it a plausible time, or it is unreadable.
 */
const NUMERIC_UNITS = [
  { unit: 'seconds', msPerUnit: 1_000 },
  { unit: 'milliseconds', msPerUnit: 1 },
  { unit: 'microseconds', msPerUnit: 1e-3 },
  { unit: 'nanoseconds', msPerUnit: 1e-6 },
] as const;

/** The unit a numeric timestamp was read in, or `iso-8601` for a date string. */
export type TimestampUnit = (typeof NUMERIC_UNITS)[number]['unit'] | 'iso-8601';

/** A decimal number, as JSON or a numeric string writes one (no sign, no exponent). */
const DECIMAL = /^\d+(\.\d+)?$/;
/** An ISO-8601 date, optionally with a time (`2025-07-31T19:38:42.332Z`; RFC 3339's space too). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([Tt ]|$)/;

/**
 * Reads a Smartcar timestamp: epoch ms and the unit it was given in, or `undefined` when it is no
 * plausible time. The one rule for every timestamp on the wire (`meta.deliveredAt`,
 * `signals[].meta.oemUpdatedAt`, `retrievedAt`, `fetchedAt`):
 *
 * - a number, or a string of digits, is told apart by magnitude: 1e9 to 1e11 is epoch seconds
 *   (Smartcar's payload reference shows `"deliveredAt": 1700000000`), 1e12 to 1e14 milliseconds
 *   (what most of its examples send), 1e15 to 1e17 microseconds, 1e18 to 1e20 nanoseconds;
 * - a string starting with an ISO-8601 date is parsed as one (`Date.parse`);
 * - the result must lie in [{@link EARLIEST_TIMESTAMP_MS}, {@link LATEST_TIMESTAMP_MS}): from
 *   2001-09-09 to the year 5138. Anything else (a negative, a clock reset to 1970, a magnitude
 *   between two bands, a boolean, `"yesterday"`) is unreadable, never guessed.
 *
 * @example
 * ```ts
 * readTimestamp(1700000000); // { ms: 1700000000000, unit: 'seconds' }
 * readTimestamp('2025-07-31T19:38:42.332Z'); // { ms: 1753990722332, unit: 'iso-8601' }
 * readTimestamp(5); // undefined
 * ```
 */
export function readTimestamp(value: unknown): { ms: number; unit: TimestampUnit } | undefined {
  if (typeof value === 'string') {
    if (ISO_DATE.test(value)) return plausible(Date.parse(value), 'iso-8601');
    if (!DECIMAL.test(value)) return undefined;
    return fromNumber(Number(value));
  }
  return typeof value === 'number' ? fromNumber(value) : undefined;
}

function fromNumber(value: number): { ms: number; unit: TimestampUnit } | undefined {
  if (!Number.isFinite(value)) return undefined;
  for (const { unit, msPerUnit } of NUMERIC_UNITS) {
    const ms = value * msPerUnit;
    // Whole milliseconds: a finer reading would only add float noise to comparisons.
    if (ms >= EARLIEST_TIMESTAMP_MS && ms < LATEST_TIMESTAMP_MS) return { ms: Math.round(ms), unit };
  }
  return undefined;
}

function plausible(ms: number, unit: TimestampUnit): { ms: number; unit: TimestampUnit } | undefined {
  return Number.isFinite(ms) && ms >= EARLIEST_TIMESTAMP_MS && ms < LATEST_TIMESTAMP_MS ? { ms, unit } : undefined;
}

/**
 * Epoch milliseconds of a Smartcar timestamp by the rule of {@link readTimestamp}, or `undefined`
 * when it is absent or no plausible time, so a caller can tell "unreadable" from a time.
 *
 * The one parser for these timestamps: the receiver's replay window, the processor's event parser
 * and the CLIs all use it, so they never disagree about what a `deliveredAt` means.
 *
 * @example
 * ```ts
 * epochMs(1731940331000); // 1731940331000
 * epochMs(1731940331); // 1731940331000 (seconds)
 * epochMs(1731940331000000); // 1731940331000 (microseconds)
 * epochMs('2025-07-31T19:38:42.332Z'); // 1753990722332
 * epochMs('yesterday'); // undefined
 * ```
 */
export function epochMs(value: unknown): number | undefined {
  return readTimestamp(value)?.ms;
}
