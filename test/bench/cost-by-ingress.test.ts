import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MONTH_SECONDS } from '../../bench/constants.ts';
import { costReport, type MeasuredFigures, measuredCostInputs } from '../../bench/cost-by-ingress.ts';
import { kmsCost } from '../../bench/kms-cost.ts';
import { PRICES } from '../../bench/prices.ts';
import { INGRESS_KINDS } from '../../lib/constructs/ingress-types.ts';

/** The checked-in reference run: the same figures `--cost-only` falls back to. */
const figures = JSON.parse(
  readFileSync(new URL('../../bench/reference-inputs.json', import.meta.url), 'utf8'),
) as MeasuredFigures;
const report = costReport(measuredCostInputs(figures), 'reference');
const item = (kind: (typeof INGRESS_KINDS)[number], name: string) =>
  report.by_ingress[kind].breakdown.find((l) => l.item === name);

describe('cost model by front door', () => {
  it('prices every front door from its own synthesized settings, with a total and a pipeline each', () => {
    // Prepare: built once above.

    // Act
    const doors = Object.fromEntries(INGRESS_KINDS.map((k) => [k, report.by_ingress[k].stack.api_type]));

    // Assess
    expect(doors).toEqual({ 'http-api': 'HTTP', 'function-url': 'FUNCTION_URL', 'rest-api': 'REST' });
    for (const kind of INGRESS_KINDS) {
      const cost = report.by_ingress[kind];
      expect(cost.floor).toBeLessThan(cost.pipeline);
      expect(cost.pipeline).toBeLessThan(cost.total);
    }
    expect(report.pipeline).toBe(report.by_ingress['http-api'].pipeline);
  });

  it('charges the Function URL nothing per request and writes no access log', () => {
    // Prepare: built once above.

    // Act
    const door = report.by_ingress['function-url'].breakdown[0]!;

    // Assess
    expect(door).toMatchObject({ usd: 0, request: true });
    expect(item('function-url', 'CloudWatch Logs: API access log')).toBeUndefined();
    expect(item('function-url', 'AWS WAF requests')).toBeUndefined();
    expect(report.by_ingress['http-api'].pipeline - report.by_ingress['function-url'].pipeline).toBeGreaterThan(1);
  });

  it('adds WAF per request and per month only to the REST API', () => {
    // Prepare: built once above.

    // Act
    const waf = item('rest-api', 'AWS WAF requests');
    const fixed = report.by_ingress['rest-api'].fixed_per_month_usd.breakdown.find(
      (f) => f.item === 'AWS WAF web ACL and rules',
    );

    // Assess
    expect(waf?.usd).toBeCloseTo(1e6 * PRICES.wafRequest.usd, 6);
    expect(item('rest-api', 'API Gateway REST API requests')?.usd).toBeCloseTo(3.5, 6);
    // One web ACL ($5) and four rules: rate limit, body size, two managed groups ($1 each).
    expect(fixed?.usd).toBe(9);
    expect(report.by_ingress['http-api'].fixed_per_month_usd.breakdown.map((f) => f.item)).not.toContain(
      'AWS WAF web ACL and rules',
    );
  });

  it('prices KMS by data-key reuse: SQS by (B/D)(2P + C), the rest every 5 minutes, higher with a customer managed key', () => {
    // Prepare
    const stack = report.by_ingress['function-url'].stack;

    // Act
    const kms = kmsCost(stack);
    const sqs = kms.customer_managed.lines.find((l) => l.item.startsWith('SQS'));
    const withCmk = stack.encryption_with_cmk ?? stack.encryption; // the customer managed key's model reads the CMK variant's template
    const longerReuse = kmsCost({
      ...stack,
      encryption_with_cmk: { ...withCmk, sqs_data_key_reuse_seconds: 3_600 },
    }).customer_managed.lines.find((l) => l.item.startsWith('SQS'));

    // Assess
    expect(sqs?.requests).toBe(Math.round((MONTH_SECONDS / 300) * 3));
    expect(longerReuse?.requests).toBe(Math.round((MONTH_SECONDS / 3_600) * 3));
    expect(kms.aws_managed.lines.find((l) => l.item.startsWith('SQS'))?.requests).toBe(0);
    expect(kms.customer_managed.usd_per_month).toBeGreaterThan(kms.aws_managed.usd_per_month);
    expect(kms.customer_managed.key_usd_per_month).toBe(1);
    expect(kms.current).toEqual(kms.aws_managed);
  });
});
