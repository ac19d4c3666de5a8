import { createHmac, timingSafeEqual } from 'node:crypto';

/** An `SC-Signature` is lowercase hex of a 32-byte HMAC-SHA256; uppercase is tolerated. */
const SIGNATURE_PATTERN = /^[0-9a-fA-F]{64}$/;

/**
 * Whether a header value has the shape of an `SC-Signature` (64 hex characters). Lets a caller
 * tell a missing or garbled header from a real mismatch without computing any HMAC.
 *
 * @example
 * ```ts
 * isWellFormedSignature('ab'.repeat(32)); // true
 * isWellFormedSignature('sha256=abc'); // false
 * ```
 */
export function isWellFormedSignature(signature: unknown): signature is string {
  return typeof signature === 'string' && SIGNATURE_PATTERN.test(signature);
}

/**
 * HMAC-SHA256 of `message` keyed with the Application Management Token, as lowercase hex.
 *
 * This is both Smartcar's `SC-Signature` over a raw body and the VERIFY challenge answer.
 *
 * @example
 * ```ts
 * computeSignature('amt', 'challenge');
 * // '9baf5a7464bd86740ad5a06e439dcf535a075022ed2c92d74efacf646d79328e'
 * ```
 */
export function computeSignature(amt: string, message: Buffer | string): string {
  return createHmac('sha256', amt).update(message).digest('hex');
}

/**
 * Checks an `SC-Signature` header against the raw body bytes in constant time, trying each
 * token in turn (the current AMT and, during rotation, the previous one).
 *
 * A missing, short, long or non-hex header returns `false`; it never throws.
 *
 * @returns the index of the token that matched, or `-1`.
 * @example
 * ```ts
 * const matched = verifySignature(rawBody, headers['sc-signature'], [current, previous]);
 * if (matched < 0) return unauthorized();
 * ```
 */
export function verifySignature(rawBody: Buffer, signature: string | undefined, tokens: readonly string[]): number {
  if (!isWellFormedSignature(signature)) return -1;
  const received = Buffer.from(signature, 'hex');
  let matched = -1;
  // Every token is tried even after a match so timing does not reveal which one matched.
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token) continue;
    const expected = createHmac('sha256', token).update(rawBody).digest();
    if (timingSafeEqual(expected, received) && matched < 0) matched = i;
  }
  return matched;
}
