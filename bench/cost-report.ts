import { INGRESS_KINDS, type IngressKind } from '../lib/constructs/ingress-types.ts';
import { LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION, RECIPE, TARGETS } from './constants.ts';
import { BYTES_PER_GB, PRICES } from './prices.ts';
import type { CostReport, IngressCost } from './types.ts';

const usd = (n: number, digits = 3): string => n.toFixed(digits);

/** What Lambda's platform lines (START/END/REPORT) cost per million events: ingestion and a month of storage. */
function platformLogUsd(cost: IngressCost): number {
  const fill = Math.max(1, Math.min(cost.stack.batch_size, cost.batch_fill));
  const bytes = 1e6 * LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION * (1 + 1 / fill);
  return (bytes * (PRICES.logsIngestionGb.usd + PRICES.logsStorageGbMonth.usd)) / BYTES_PER_GB;
}

/**
 * The front door whose pipeline costs least per million events.
 *
 * @example
 * ```ts
 * cheapestIngress(report); // 'function-url'
 * ```
 */
export function cheapestIngress(report: CostReport): IngressKind {
  return [...INGRESS_KINDS].sort((a, b) => report.by_ingress[a].pipeline - report.by_ingress[b].pipeline)[0]!;
}

/**
 * The cost model as markdown: every line for the three front doors side by side, the floor (the
 * requests alone), fixed monthly charges, KMS with and without a customer managed key, and where
 * each cent of the cheapest front door's pipeline goes.
 *
 * @example
 * ```ts
 * process.stdout.write(renderCostMarkdown(results.cost_per_million_usd));
 * ```
 */
export function renderCostMarkdown(report: CostReport): string {
  const doors = INGRESS_KINDS.map((kind) => [kind, report.by_ingress[kind]] as const);
  // Each door's own first line (what receives the request) first, then the shared lines in order.
  const items = [
    ...new Set([
      ...doors.map(([, c]) => c.breakdown[0]!.item),
      ...doors.flatMap(([, c]) => c.breakdown.map((l) => l.item)),
    ]),
  ];
  const cell = (cost: IngressCost, item: string): string => {
    const line = cost.breakdown.find((l) => l.item === item);
    return line ? usd(line.usd) : '-';
  };
  const example = new Set(doors.flatMap(([, c]) => c.breakdown.filter((l) => l.example_store).map((l) => l.item)));
  const row = (label: string, values: string[]): string => `| ${label} | ${values.join(' | ')} |`;
  const out = [
    `**Cost per million events on AWS, by front door** (prices ${report.prices_as_of}; measured inputs: ${report.measured_inputs}; \`pipeline\` excludes the example vehicle-state store, marked *)`,
    '',
    row(
      'item',
      INGRESS_KINDS.map((k) => `\`${k}\``),
    ),
    row(
      '---',
      INGRESS_KINDS.map(() => '---'),
    ),
    ...items.map((item) =>
      row(
        `${item}${example.has(item) ? ' *' : ''}`,
        doors.map(([, c]) => cell(c, item)),
      ),
    ),
    row(
      '**pipeline**',
      doors.map(([, c]) => `**${usd(c.pipeline, 2)}**`),
    ),
    row(
      'floor: the requests alone (front door, WAF, Lambda, SQS, DynamoDB idempotency)',
      doors.map(([, c]) => usd(c.floor, 2)),
    ),
    row(
      '**total** (with the example store)',
      doors.map(([, c]) => `**${usd(c.total, 2)}**`),
    ),
    row(
      'low traffic, batches of one: pipeline / total',
      doors.map(([, c]) => `${usd(c.low_traffic.pipeline, 2)} / ${usd(c.low_traffic.total, 2)}`),
    ),
    row(
      'fixed per month',
      doors.map(([, c]) => `$${usd(c.fixed_per_month_usd.total, 2)}`),
    ),
    row(
      'KMS per month: AWS-managed keys / customer managed key (+ $1 key)',
      doors.map(
        ([, c]) =>
          `$${usd(c.kms_per_month_usd.aws_managed.usd_per_month, 2)} / $${usd(c.kms_per_month_usd.customer_managed.usd_per_month, 2)}`,
      ),
    ),
    row('Smartcar recipe, for comparison', [`${RECIPE.usdPerMillionLow} to ${RECIPE.usdPerMillionHigh}`, '', '']),
  ];
  const cheapest = cheapestIngress(report);
  const c = report.by_ingress[cheapest];
  const lines = c.breakdown.filter((l) => !l.example_store && l.usd > 0).sort((a, b) => b.usd - a.usd);
  out.push(
    '',
    `Cheapest front door: \`${cheapest}\`, pipeline $${usd(c.pipeline, 2)} per million (goal < $${TARGETS.cheapestPipelineUsdPerMillion}: ${c.pipeline < TARGETS.cheapestPipelineUsdPerMillion ? 'met' : '**not met**'}), floor $${usd(c.floor, 2)}. Where each cent goes:`,
    '',
    ...lines.map((l) => `- ${Math.round(l.usd * 100)} ¢ ${l.item} (${l.basis})${l.request ? ' [floor]' : ''}`),
    '',
    `Without Lambda's START/END/REPORT lines (\`systemLogLevel: WARN\` with the JSON log format, on both functions) it would be $${usd(c.pipeline - platformLogUsd(c), 2)}: those lines are ${Math.round(platformLogUsd(c) * 100)} ¢ of it.`,
  );
  return out.join('\n');
}
