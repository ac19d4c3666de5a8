import { FAULT_NAMES } from '../local/simulate/constants.ts';
import { runSimulation } from '../local/simulate/run.ts';
import { SIMULATION } from './constants.ts';
import type { SimulationBenchResult } from './types.ts';

/**
 * Runs the Smartcar delivery simulation with every fault (`local/simulate/`) and keeps its
 * accounting table, the checks that failed, the findings, and the lag from Smartcar's first
 * attempt to the handler's first successful run.
 *
 * @example
 * ```ts
 * const simulation = await benchSimulation((line) => process.stderr.write(`${line}\n`));
 * simulation.lag_first_attempt_to_handled_ms.p99;
 * ```
 */
export async function benchSimulation(progress: (line: string) => void): Promise<SimulationBenchResult> {
  const report = await runSimulation({ ...SIMULATION, faults: FAULT_NAMES, onProgress: progress });
  return {
    seed: report.seed,
    events: report.events,
    time_scale: report.timeScale,
    faults: report.faults,
    table: Object.fromEntries(Object.entries(report.table).map(([row, cell]) => [row, cell.count])),
    reruns: report.reruns,
    checks_failed: report.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`),
    findings: report.findings.map((finding) => `${finding.count} × ${finding.check}`),
    lag_first_attempt_to_handled_ms: report.lagMs,
    elapsed_s: Math.round(report.elapsedMs / 100) / 10,
  };
}
