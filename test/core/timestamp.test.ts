import { describe, expect, it } from 'vitest';
import { EARLIEST_TIMESTAMP_MS, LATEST_TIMESTAMP_MS, readTimestamp } from '../../lambda/core/timestamp.ts';

// The one rule for Smartcar timestamps (lambda/core/timestamp.ts), at its edges: every unit has
// the band of magnitudes that makes it a time from 2001-09-09 to the year 5138, and nothing else
// is read.

describe('readTimestamp: units told apart by magnitude', () => {
  it.each([
    ['epoch seconds (the payload reference: 1700000000)', 1_700_000_000, 1_700_000_000_000, 'seconds'],
    ['epoch seconds with a fraction', 1_700_000_000.25, 1_700_000_000_250, 'seconds'],
    ['epoch milliseconds', 1_761_896_351_529, 1_761_896_351_529, 'milliseconds'],
    ['epoch microseconds', 1_761_896_351_529_123, 1_761_896_351_529, 'microseconds'],
    ['epoch nanoseconds', 1_761_896_351_529_000_000, 1_761_896_351_529, 'nanoseconds'],
    ['digits in a string', '1700000000', 1_700_000_000_000, 'seconds'],
    ['ISO-8601', '2025-07-31T19:38:42.332Z', Date.parse('2025-07-31T19:38:42.332Z'), 'iso-8601'],
    ['ISO-8601 with an offset', '2025-07-31T21:38:42+02:00', Date.parse('2025-07-31T19:38:42Z'), 'iso-8601'],
    ['RFC 3339 with a space', '2025-07-31 19:38:42Z', Date.parse('2025-07-31T19:38:42Z'), 'iso-8601'],
    ['the earliest time read, in seconds', 1e9, EARLIEST_TIMESTAMP_MS, 'seconds'],
    ['the earliest time read, in ms', 1e12, EARLIEST_TIMESTAMP_MS, 'milliseconds'],
    ['the last second before the latest, in seconds', 1e11 - 1, LATEST_TIMESTAMP_MS - 1000, 'seconds'],
  ])('reads %s', (_label, value, ms, unit) => {
    // Act
    const read = readTimestamp(value);

    // Assess
    expect(read).toEqual({ ms, unit });
  });

  it.each([
    ['a clock reset to 1970', 0],
    ['just before 2001-09-09 in seconds', 1e9 - 1],
    ['between the seconds and the milliseconds bands (1e11)', 1e11],
    ['just under the milliseconds band', 1e12 - 1],
    ['between the milliseconds and the microseconds bands', 1e14],
    ['beyond the nanoseconds band', 1e20],
    ['a negative number', -1_700_000_000],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an ISO date before 2001', '1999-12-31T23:59:59Z'],
    ['a date string that is not ISO-8601', 'Tue, 01 Dec 2026 08:00:00 GMT'],
    ['an exponent in a string', '1.7e12'],
    ['a signed string', '-1700000000'],
    ['an empty string', ''],
    ['a boolean', true],
    ['null', null],
    ['an object', { at: 1_700_000_000_000 }],
  ])('reads nothing from %s', (_label, value) => {
    // Act
    const read = readTimestamp(value);

    // Assess
    expect(read).toBeUndefined();
  });
});
