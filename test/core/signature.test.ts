import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeSignature, isWellFormedSignature, verifySignature } from '../../lambda/core/signature.ts';
import {
  CHALLENGE_VECTORS,
  SDK_VECTORS,
  SWAPPED_KEY_ANSWER,
  TEST_AMT,
  V4,
  V5,
  V6,
  V7,
  V8,
  V9,
} from '../fixtures/smartcar-vectors.ts';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('fixtures are the exact published bytes', () => {
  it.each([
    ['V4', V4.body, V4.bytes],
    ['V5', V5.body, V5.bytes],
    ['V6', V6.body, V6.bytes],
    ['V7', V7.body, V7.bytes],
    ['V8', V8.body, V8.bytes],
    ['V9', V9.body, V9.bytes],
  ])('%s has its documented length', (_id, body, bytes) => {
    // Prepare / Act
    const length = Buffer.byteLength(body, 'utf8');

    // Assess
    expect(length).toBe(bytes);
  });

  it('V4 and V7 have their documented SHA-256', () => {
    // Prepare / Act
    const hashes = [sha256(Buffer.from(V4.body)), sha256(Buffer.from(V7.body, 'utf8'))];

    // Assess
    expect(hashes).toEqual([V4.sha256, V7.sha256]);
  });
});

describe('computeSignature', () => {
  it.each(SDK_VECTORS)('matches the upstream SDK vector for $message', ({ key, message, hmac }) => {
    // Prepare / Act
    const signature = computeSignature(key, message);

    // Assess
    expect(signature).toBe(hmac);
  });

  it.each(CHALLENGE_VECTORS)('answers challenge vector $id', ({ key, challenge, answer }) => {
    // Prepare / Act
    const signature = computeSignature(key, challenge);

    // Assess
    expect(signature).toBe(answer);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keys with the AMT, not the challenge (the swapped-argument bug)', () => {
    // Prepare / Act
    const signature = computeSignature(TEST_AMT, 'abc123');

    // Assess
    expect(signature).not.toBe(SWAPPED_KEY_ANSWER);
    expect(computeSignature('abc123', TEST_AMT)).toBe(SWAPPED_KEY_ANSWER);
  });

  it.each([
    ['V4', V4.body, V4.signature],
    ['V5', V5.body, V5.hmac],
    ['V6', V6.body, V6.hmac],
    ['V7', V7.body, V7.signature],
    ['V8', V8.body, V8.signature],
    ['V9', V9.body, V9.signature],
  ])('signs body %s over its UTF-8 bytes', (_id, body, expected) => {
    // Prepare / Act
    const signature = computeSignature(TEST_AMT, Buffer.from(body, 'utf8'));

    // Assess
    expect(signature).toBe(expected);
  });
});

describe('verifySignature', () => {
  it('accepts V4 and V7 with their signatures over the raw bytes', () => {
    // Prepare
    const cases = [
      [V4.body, V4.signature],
      [V7.body, V7.signature],
      [V8.body, V8.signature],
      [V9.body, V9.signature],
    ] as const;

    // Act
    const results = cases.map(([body, signature]) => verifySignature(Buffer.from(body, 'utf8'), signature, [TEST_AMT]));

    // Assess
    expect(results).toEqual([0, 0, 0, 0]);
  });

  it.each([
    ['pretty-printed (V5)', V5.body],
    ['trailing newline (V6)', V6.body],
  ])('refuses V4 signature on the same JSON %s', (_label, body) => {
    // Prepare / Act
    const matched = verifySignature(Buffer.from(body, 'utf8'), V4.signature, [TEST_AMT]);

    // Assess
    expect(matched).toBe(-1);
  });

  it('refuses the latin1-encoded V7 signature and a latin1 reading of the bytes', () => {
    // Prepare / Act
    const wrongSignature = verifySignature(Buffer.from(V7.body, 'utf8'), V7.latin1Hmac, [TEST_AMT]);
    const wrongBytes = verifySignature(Buffer.from(V7.body, 'latin1'), V7.signature, [TEST_AMT]);

    // Assess
    expect(computeSignature(TEST_AMT, Buffer.from(V7.body, 'latin1'))).toBe(V7.latin1Hmac);
    expect(wrongSignature).toBe(-1);
    expect(wrongBytes).toBe(-1);
  });

  it('accepts uppercase hex (bytes are compared, not strings)', () => {
    // Prepare / Act
    const matched = verifySignature(Buffer.from(V4.body), V4.signature.toUpperCase(), [TEST_AMT]);

    // Assess
    expect(matched).toBe(0);
  });

  it('reports which token matched: current first, previous during rotation', () => {
    // Prepare
    const body = Buffer.from(V4.body);

    // Act
    const withCurrent = verifySignature(body, V4.signature, [TEST_AMT, 'old-amt']);
    const withPrevious = verifySignature(body, V4.signature, ['new-amt', TEST_AMT]);
    const withNeither = verifySignature(body, V4.signature, ['new-amt', 'old-amt']);

    // Assess
    expect([withCurrent, withPrevious, withNeither]).toEqual([0, 1, -1]);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['63 characters', V4.signature.slice(1)],
    ['65 characters', `${V4.signature}0`],
    ['non-hex', `${V4.signature.slice(0, 63)}g`],
    ['prefixed', `sha256=${V4.signature}`],
    ['base64', Buffer.from(V4.signature, 'hex').toString('base64')],
    ['surrounded by spaces', ` ${V4.signature} `],
  ])('returns -1 without throwing for a %s header', (_label, signature) => {
    // Prepare / Act
    const verify = (): number => verifySignature(Buffer.from(V4.body), signature, [TEST_AMT]);

    // Assess
    expect(verify).not.toThrow();
    expect(verify()).toBe(-1);
  });

  it('skips empty tokens instead of keying an HMAC with ""', () => {
    // Prepare
    const signedWithEmptyKey = computeSignature('', V4.body);

    // Act
    const matched = verifySignature(Buffer.from(V4.body), signedWithEmptyKey, ['', TEST_AMT]);

    // Assess
    expect(matched).toBe(-1);
  });

  it('never throws and only accepts the exact signature, for any header string', () => {
    // Prepare
    const body = Buffer.from(V4.body);

    // Act / Assess
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (header) => {
        const matched = verifySignature(body, header, [TEST_AMT]);
        return header.toLowerCase() === V4.signature ? matched === 0 : matched === -1;
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('isWellFormedSignature', () => {
  it('accepts 64 hex characters only', () => {
    // Prepare / Act
    const verdicts = [
      V4.signature,
      V4.signature.toUpperCase(),
      V4.signature.slice(2),
      'x'.repeat(64),
      undefined,
      42,
    ].map((value) => isWellFormedSignature(value));

    // Assess
    expect(verdicts).toEqual([true, true, false, false, false, false]);
  });
});
