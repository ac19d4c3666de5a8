import { existsSync, readFileSync } from 'node:fs';
import { INGRESS_KINDS } from '../lib/constructs/ingress-types.ts';
import { type CostInputs, costPerMillion } from './cost.ts';
import { readStackSettings } from './stack-settings.ts';
import type { CostReport, HotPathResult, IngressCost, ProcessorBatchResult } from './types.ts';

/** What the cost model takes from the bench's measurements (everything but the stack settings). */
export type MeasuredCostInputs = Omit<CostInputs, 'stack'>;

/** The measured figures a run produced, as `bench/results.json` and `reference-inputs.json` keep them. */
export interface MeasuredFigures {
  receiver: HotPathResult;
  processor: ProcessorBatchResult;
  /** Records per processor invocation under load. */
  batch_fill: number;
}

/**
 * The cost model's measured inputs from a run's figures. The bench sends VEHICLE_STATE only; a
 * fleet also sends VEHICLE_ERROR, whose "by type" metrics are series of their own.
 *
 * @example
 * ```ts
 * const inputs = measuredCostInputs({ receiver, processor, batch_fill: e2e.mean_batch_fill });
 * ```
 */
export function measuredCostInputs(figures: MeasuredFigures): MeasuredCostInputs {
  const measuredSeries = [...figures.receiver.metric_series, ...figures.processor.metric_series];
  const metricSeries = new Set([
    ...measuredSeries,
    ...measuredSeries.map((series) => series.replace('eventType=VEHICLE_STATE', 'eventType=VEHICLE_ERROR')),
  ]).size;
  return {
    receiver: figures.receiver,
    processor: figures.processor,
    batchFill: figures.batch_fill,
    bodyBytes: figures.receiver.sizes['5KB'].body_bytes,
    metricSeries,
  };
}

/**
 * The measured figures `--cost-only` prices: the last full run's `results.json` when there is
 * one, else the reference run checked in beside this file (`reference-inputs.json`).
 *
 * @example
 * ```ts
 * const { figures, source } = lastMeasuredFigures(RESULTS_PATH);
 * ```
 */
export function lastMeasuredFigures(resultsPath: string): { figures: MeasuredFigures; source: string } {
  if (existsSync(resultsPath)) {
    const last = JSON.parse(readFileSync(resultsPath, 'utf8')) as Partial<{
      generated_at: string;
      receiver: HotPathResult;
      processor: ProcessorBatchResult;
      e2e: { mean_batch_fill: number };
    }>;
    if (last.receiver && last.processor && last.e2e) {
      return {
        figures: { receiver: last.receiver, processor: last.processor, batch_fill: last.e2e.mean_batch_fill },
        source: `the last full run's bench/results.json (${last.generated_at ?? 'undated'})`,
      };
    }
  }
  const reference = JSON.parse(
    readFileSync(new URL('./reference-inputs.json', import.meta.url), 'utf8'),
  ) as MeasuredFigures & { source: string };
  return { figures: reference, source: `bench/reference-inputs.json (${reference.source})` };
}

/**
 * The cost model for the default stack and for each front door, each from that variant's own
 * synthesized settings (`-c ingress=...`) and the same measurements.
 *
 * @example
 * ```ts
 * const report = costReport(measuredCostInputs(figures), 'this run');
 * report.by_ingress['function-url'].pipeline; // e.g. 2.57
 * ```
 */
export function costReport(measured: MeasuredCostInputs, source: string): CostReport {
  const byIngress = Object.fromEntries(
    INGRESS_KINDS.map((kind): [string, IngressCost] => {
      const stack = readStackSettings({ ingress: kind });
      return [kind, { stack, ...costPerMillion({ ...measured, stack }) }];
    }),
  ) as CostReport['by_ingress'];
  return {
    ...costPerMillion({ ...measured, stack: readStackSettings() }),
    by_ingress: byIngress,
    measured_inputs: source,
  };
}
