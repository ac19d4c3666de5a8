import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integerAbovePattern } from '../../lib/constructs/ingress-waf-patterns.ts';

/**
 * The WAF body-size rule compares Content-Length as text, with a pattern. JavaScript's RegExp
 * reads this subset (anchors, classes, counted repeats, one non-capturing group) as PCRE does.
 */
describe('integerAbovePattern', () => {
  it('matches exactly the integers above the limit, whatever both are', () => {
    // Prepare
    const property = fc.property(fc.nat({ max: 1e12 }), fc.nat({ max: 1e13 }), (limit, value) => {
      // Act
      const matched = new RegExp(integerAbovePattern(limit)).test(String(value));

      // Assess
      expect(matched).toBe(value > limit);
    });

    // Act & Assess
    fc.assert(property, { numRuns: 2_000 });
  });

  it.each([
    ['1048576', false],
    ['1048577', true],
    ['0001048577', true],
    ['0001048576', false],
    ['9999999', true],
    ['10000000', true],
    ['999999', false],
    ['', false],
    ['1048577 ', false],
    ['-5', false],
    ['1e9', false],
  ])('at the SQS body limit 1048576: "%s" matches: %s', (value, expected) => {
    // Prepare
    const pattern = new RegExp(integerAbovePattern(1_048_576));

    // Act
    const matched = pattern.test(value);

    // Assess
    expect(matched).toBe(expected);
  });

  it('stays within what WAF accepts: no capturing group, few branches', () => {
    // Prepare
    const limit = Number.MAX_SAFE_INTEGER;

    // Act
    const pattern = integerAbovePattern(limit);

    // Assess
    expect(pattern).not.toMatch(/\((?!\?:)/);
    expect(pattern.split('|').length).toBeLessThanOrEqual(String(limit).length + 1);
    expect(pattern.length).toBeLessThan(512);
  });

  it('refuses a limit that is not a non-negative integer', () => {
    // Prepare
    const limits = [-1, 1.5, Number.NaN];

    // Act
    const attempts = limits.map((limit) => () => integerAbovePattern(limit));

    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(RangeError);
  });
});
