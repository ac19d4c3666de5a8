import { describe, expect, it } from 'vitest';
import { percentile } from '../../bin/cli/percentile.ts';
import { type DeliveryResult, summarize } from '../../bin/cli/send-run.ts';

/** Factory: an answered delivery that took `latencyMs`. */
function answered(latencyMs: number): DeliveryResult {
  return {
    delivery: { body: Buffer.from('{}'), headers: {}, duplicate: false, expect: '2xx' },
    status: 200,
    latencyMs,
    ok: true,
  };
}

describe('percentile (nearest rank)', () => {
  it.each([
    [0.5, 2],
    [0.25, 1],
    [0.75, 3],
    [0.99, 4],
    [1, 4],
    [0, 1],
  ])('of [3, 1, 2, 4] at q = %d is the value of rank ceil(q * n): %d', (q, expected) => {
    // Act
    const value = percentile([3, 1, 2, 4], q);

    // Assess
    expect(value).toBe(expected);
  });

  it('is the maximum for p99 of fewer than 100 values, NaN for none, and leaves its input unsorted', () => {
    // Prepare
    const values = [5, 9, 1];

    // Act
    const p99 = percentile(values, 0.99);
    const none = percentile([], 0.5);

    // Assess
    expect(p99).toBe(9);
    expect(none).toBeNaN();
    expect(values).toEqual([5, 9, 1]);
  });
});

describe('send summary', () => {
  it('prints the same nearest-rank percentiles as the bench', () => {
    // Prepare: floor(q * n) would print 30 ms as the p50 of these four
    const results = [40, 10, 30, 20].map(answered);

    // Act
    const lines = summarize(results);

    // Assess
    expect(lines).toContain('latency p50 20.0 ms, p95 40.0 ms, max 40.0 ms');
  });
});
