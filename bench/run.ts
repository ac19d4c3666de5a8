/**
 * `npm run bench`: measures the receiver hot path, the cold-start proxy, the processor per batch
 * and the local pipeline end to end, each against its floor in the same run, prices the result
 * on AWS for every front door, writes `bench/results.json` and prints a markdown table. Not part of
 * `npm test`. `--cost-only` runs the cost model alone (see costOnly).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchColdStart } from './cold-start.ts';
import { costReport, lastMeasuredFigures, measuredCostInputs } from './cost-by-ingress.ts';
import { renderCostMarkdown } from './cost-report.ts';
import { benchEndToEnd } from './end-to-end.ts';
import { benchProcessorBatches } from './processor-batches.ts';
import { benchReceiverHotPath } from './receiver-hot-path.ts';
import { checkTargets, functionLogBytesPerEvent, renderMarkdown } from './report.ts';
import { benchSimulation } from './simulation.ts';
import { readStackSettings } from './stack-settings.ts';
import { round } from './stats.ts';
import type { BenchResults } from './types.ts';

// As in Lambda: JSON logs and EMF on stdout, no pretty printing, no disabled metrics.
process.env.POWERTOOLS_DEV = 'false';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';

const RESULTS_PATH = fileURLToPath(new URL('./results.json', import.meta.url));

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--cost-only')) return costOnly();
  const started = performance.now();
  const machine = {
    node: process.versions.node,
    cpus: cpus().length,
    platform: platform(),
    loadavg: loadavg().map((l) => round(l, 2)),
  };
  progress('reading the stack settings (synth, no bundling)');
  const stack = readStackSettings();
  progress('receiver hot path');
  const receiver = await benchReceiverHotPath();
  progress('cold start proxy');
  const coldStart = await benchColdStart();
  progress(`processor in process, batches of ${stack.batch_size}`);
  const processor = await benchProcessorBatches(stack.batch_size);
  progress('local end to end, intake alone (processor paused)');
  const intake = await benchEndToEnd({ pauseProcessor: true });
  progress('local end to end, whole pipeline');
  const e2e = await benchEndToEnd();
  e2e.intake_only = { rps: intake.rps, http_p50_ms: intake.http_p50_ms, http_p99_ms: intake.http_p99_ms };
  e2e.lost += intake.lost;
  progress('delivery simulation under every fault (npm run simulate)');
  const simulation = await benchSimulation((line) => progress(`  ${line.trim()}`));

  progress('cost model, per front door (synth of each variant)');
  const cost = costReport(measuredCostInputs({ receiver, processor, batch_fill: e2e.mean_batch_fill }), 'this run');
  const partial = {
    generated_at: new Date().toISOString(),
    machine,
    duration_s: round((performance.now() - started) / 1000),
    stack,
    receiver,
    cold_start: coldStart,
    processor,
    e2e,
    cost_per_million_usd: cost,
    simulation,
  };
  const results: BenchResults = { ...partial, targets: checkTargets(partial) };
  const withTotals = { ...results, log_bytes_per_event_both_functions: functionLogBytesPerEvent(results) };
  await writeFile(RESULTS_PATH, `${JSON.stringify(withTotals, null, 2)}\n`);
  process.stdout.write(`${renderMarkdown(results)}\n\nWrote ${RESULTS_PATH}\n`);
}

/**
 * `npm run bench -- --cost-only`: the cost model alone, in seconds. It prices the last measured
 * figures (results.json, else the checked-in reference run) with every front door's synthesized
 * settings and rewrites only the cost keys (`stack`, `cost_per_million_usd`) of results.json.
 */
async function costOnly(): Promise<void> {
  const { figures, source } = lastMeasuredFigures(RESULTS_PATH);
  progress(`cost model only, measured inputs from ${source}`);
  const cost = costReport(measuredCostInputs(figures), source);
  const previous: Record<string, unknown> = existsSync(RESULTS_PATH)
    ? JSON.parse(await readFile(RESULTS_PATH, 'utf8'))
    : {};
  const updated = {
    ...previous,
    cost_generated_at: new Date().toISOString(),
    stack: readStackSettings(),
    cost_per_million_usd: cost,
  };
  await writeFile(RESULTS_PATH, `${JSON.stringify(updated, null, 2)}\n`);
  process.stdout.write(`${renderCostMarkdown(cost)}\n\nWrote ${RESULTS_PATH} (cost keys)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
