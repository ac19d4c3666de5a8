import { BODY_SIZES, TARGETS } from './constants.ts';
import { cheapestIngress, renderCostMarkdown } from './cost-report.ts';
import type { BenchResults, TargetCheck } from './types.ts';

/**
 * The bench's targets (`TARGETS` in `constants.ts`) checked against a run. Every target is
 * listed, met or not.
 *
 * @example
 * ```ts
 * checkTargets(results).filter((t) => !t.met);
 * ```
 */
export function checkTargets(results: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const ratio = results.receiver.sizes['5KB'].ratio_p99;
  const logBytes = functionLogBytesPerEvent(results);
  return [
    {
      name: 'Receiver p99 / floor at 5 KB',
      value: ratio,
      target: `<= ${TARGETS.receiverP99Ratio5KB}x`,
      met: ratio <= TARGETS.receiverP99Ratio5KB,
    },
    {
      name: 'Log + metric bytes per accepted event (both functions)',
      value: logBytes,
      target: `< ${TARGETS.logBytesPerEvent} B`,
      met: logBytes < TARGETS.logBytesPerEvent,
    },
    {
      name: 'Pipeline cost per million events',
      value: results.cost_per_million_usd.pipeline,
      target: `< $${TARGETS.pipelineUsdPerMillion}`,
      met: results.cost_per_million_usd.pipeline < TARGETS.pipelineUsdPerMillion,
    },
    {
      name: `Cheapest front door pipeline cost per million events (${cheapestIngress(results.cost_per_million_usd)})`,
      value: results.cost_per_million_usd.by_ingress[cheapestIngress(results.cost_per_million_usd)].pipeline,
      target: `< $${TARGETS.cheapestPipelineUsdPerMillion}`,
      met:
        results.cost_per_million_usd.by_ingress[cheapestIngress(results.cost_per_million_usd)].pipeline <
        TARGETS.cheapestPipelineUsdPerMillion,
    },
    {
      name: 'Receiver bundle (SDK external)',
      value: results.cold_start.receiver_bundle_bytes,
      target: `< ${TARGETS.receiverBundleBytes} B`,
      met: results.cold_start.receiver_bundle_bytes < TARGETS.receiverBundleBytes,
    },
    {
      name: 'Local e2e HTTP p99 at 50 concurrent',
      value: results.e2e.http_p99_ms,
      target: `< ${TARGETS.e2eHttpP99Ms} ms`,
      met: results.e2e.http_p99_ms < TARGETS.e2eHttpP99Ms,
    },
    {
      name: 'Lost events',
      value: results.e2e.lost,
      target: `= ${TARGETS.lost}`,
      met: results.e2e.lost === TARGETS.lost,
    },
  ];
}

/**
 * Log + EMF bytes both functions write per accepted event: the receiver's per request plus the
 * processor's per batch shared by the batch's records.
 *
 * @example
 * ```ts
 * functionLogBytesPerEvent(results); // e2e: ~760
 * ```
 */
export function functionLogBytesPerEvent(results: Pick<BenchResults, 'receiver' | 'processor' | 'e2e'>): number {
  const fill = Math.max(1, Math.min(results.e2e.mean_batch_fill, results.processor.batch_size));
  return Math.round(results.receiver.log_bytes_per_event + results.processor.log_bytes_per_batch / fill);
}

/**
 * The run as markdown: receiver hot path, cold start, end to end, cost breakdown and targets.
 *
 * @example
 * ```ts
 * console.log(renderMarkdown(results));
 * ```
 */
export function renderMarkdown(results: BenchResults): string {
  const r = results.receiver;
  const c = results.cold_start;
  const e = results.e2e;
  const cost = results.cost_per_million_usd;
  const out: string[] = [];
  out.push(
    `Run ${results.generated_at} on Node ${results.machine.node}, ${results.machine.cpus} CPUs, load average ${results.machine.loadavg.join(' / ')} at start; ${results.duration_s} s.`,
    '',
    '**Receiver hot path** (in process, SQS answered instantly; floor = HMAC-SHA256 + one JSON.parse of the same body)',
    '',
    '| body | p50 | p99 | floor p50 | floor p99 | p99 / floor | log + EMF per request |',
    '|---|---|---|---|---|---|---|',
  );
  for (const { label } of BODY_SIZES) {
    const s = r.sizes[label];
    out.push(
      `| ${label} (${s.body_bytes} B) | ${s.p50_us} µs | ${s.p99_us} µs | ${s.floor_p50_us} µs | ${s.floor_p99_us} µs | ${s.ratio_p99}x | ${s.log_bytes_per_request} B |`,
    );
  }
  out.push(
    '',
    `**Cold start proxy** (fresh \`node\` loading the bundle and building its clients, median of ${c.runs})`,
    '',
    '| | bundle | process | added to bare node | ratio |',
    '|---|---|---|---|---|',
    `| bare \`node -e 0\` | | ${c.node_baseline_ms} ms | | 1x |`,
    `| receiver | ${(c.receiver_bundle_bytes / 1024).toFixed(1)} KB | ${c.receiver_process_ms} ms | ${c.receiver_init_ms} ms | ${c.receiver_ratio}x |`,
    `| processor | ${(c.processor_bundle_bytes / 1024).toFixed(1)} KB | ${c.processor_process_ms} ms | ${c.processor_init_ms} ms | ${c.processor_ratio}x |`,
    '',
    `**Local end to end** (\`startPipeline\`, ${e.sent} signed deliveries at ${e.concurrency} concurrent over HTTP, after a drained warm-up of ${e.warmup_sent}; the HTTP intake, receiver, poller and processor share one event loop, the emulators run in a worker thread)`,
    '',
    '| sent | accepted | processed | duplicates skipped | in DLQ | lost | accepted/s | HTTP p50 | HTTP p99 | 200 to handled p50 / p99 | drained in |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    `| ${e.sent} | ${e.accepted} | ${e.processed} | ${e.duplicates} | ${e.dlq} | ${e.lost} | ${e.rps} | ${e.http_p50_ms} ms | ${e.http_p99_ms} ms | ${e.lag_p50_ms} / ${e.lag_p99_ms} ms | ${e.drain_seconds} s |`,
  );
  if (e.intake_only) {
    out.push(
      '',
      `Intake alone (processor paused during the load): ${e.intake_only.rps} accepted/s, HTTP p50 ${e.intake_only.http_p50_ms} ms, p99 ${e.intake_only.http_p99_ms} ms.`,
    );
  }
  const sim = results.simulation;
  if (sim) {
    out.push(
      '',
      `**Delivery simulation** (${sim.events} events, seed ${sim.seed}, every fault, Smartcar at ${sim.time_scale}x; \`npm run simulate\`): ${Object.entries(
        sim.table,
      )
        .map(([row, count]) => `${row} ${count}`)
        .join(
          ', ',
        )}. Lag from Smartcar's first attempt to handling p50 ${sim.lag_first_attempt_to_handled_ms.p50} ms, p99 ${sim.lag_first_attempt_to_handled_ms.p99} ms. Failed checks: ${sim.checks_failed.length === 0 ? 'none' : sim.checks_failed.join('; ')}.`,
    );
  }
  out.push(
    '',
    renderCostMarkdown(cost),
    '',
    `Fixed per month for the default stack, whatever the volume: $${cost.fixed_per_month_usd.total.toFixed(2)} (${cost.fixed_per_month_usd.breakdown.map((f) => `${f.item} $${f.usd.toFixed(2)}`).join(', ')}).`,
    '',
    '**Targets**',
    '',
    '| target | value | goal | |',
    '|---|---|---|---|',
    ...results.targets.map((t) => `| ${t.name} | ${t.value} | ${t.target} | ${t.met ? 'met' : '**NOT MET**'} |`),
  );
  return out.join('\n');
}
