/**
 * A regular expression, in the subset AWS WAF accepts (no capturing groups, few branches), that
 * matches the decimal text of every integer strictly greater than `limit`, leading zeros
 * allowed. WAF has no numeric comparison of a header's value; this is how its rule compares
 * `Content-Length` with the receiver's body limit before the request costs anything.
 *
 * @example
 * ```ts
 * integerAbovePattern(99); // '^0*(?:[1-9][0-9]{2,})$': matches "100" and "0100", not "99"
 * new RegExp(integerAbovePattern(1_048_576)).test('1048577'); // true
 * ```
 */
export function integerAbovePattern(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  const digits = String(limit);
  // Any number with more significant digits than the limit.
  const branches = [`[1-9][0-9]{${digits.length},}`];
  // Same length: equal up to position i, then a bigger digit, then anything.
  for (let i = 0; i < digits.length; i += 1) {
    const digit = Number(digits[i]);
    if (digit === 9) continue;
    const rest = digits.length - i - 1;
    const bigger = digit === 8 ? '9' : `[${digit + 1}-9]`;
    const tail = rest === 0 ? '' : rest === 1 ? '[0-9]' : `[0-9]{${rest}}`;
    branches.push(`${digits.slice(0, i)}${bigger}${tail}`);
  }
  return `^0*(?:${branches.join('|')})$`;
}
