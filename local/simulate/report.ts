import { ROW } from './constants.ts';
import type { RowName, SimulationReport } from './types.ts';

/** Rows that hold an event where it should be, and the one that never should hold any. */
const ROW_ORDER: readonly RowName[] = [
  ROW.HANDLED,
  ROW.DLQ,
  ROW.QUARANTINED,
  ROW.REFUSED,
  ROW.DROPPED,
  ROW.UNACCOUNTED,
];

/**
 * The accounting table, the extra handler runs, the checks and every finding, as the terminal
 * shows them at the end of `npm run simulate`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatReport(await runSimulation(options)));
 * ```
 */
export function formatReport(report: SimulationReport): string {
  const lines: string[] = [];
  const total = ROW_ORDER.reduce((sum, row) => sum + report.table[row].count, 0);
  lines.push(
    '',
    `Accounting (seed ${report.seed}, ${report.events} events, ${total} entities, Smartcar at ${report.timeScale}x)`,
  );
  lines.push(`  ${'row'.padEnd(34)}${'count'.padStart(7)}  causes`);
  for (const row of ROW_ORDER) {
    const cell = report.table[row];
    const causes = Object.entries(cell.causes)
      .sort((a, b) => b[1] - a[1])
      .map(([cause, count]) => `${count} ${cause}`)
      .join('; ');
    lines.push(`  ${row.padEnd(34)}${String(cell.count).padStart(7)}  ${causes}`);
  }
  const reruns = Object.entries(report.reruns);
  lines.push('', `Extra handler runs of handled events: ${reruns.length === 0 ? 'none' : ''}`);
  for (const [cause, count] of reruns) lines.push(`  ${String(count).padStart(6)}  ${cause}`);
  lines.push('', 'Checks');
  for (const check of report.checks) lines.push(`  ${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}`);
  if (report.findings.length > 0) {
    lines.push('', 'Findings');
    for (const finding of report.findings) {
      lines.push(`  ${finding.count} × ${finding.check}: ${finding.detail}`);
      lines.push(`      e.g. ${finding.examples.join(', ')}`);
    }
  }
  if (!report.quarantineAvailable)
    lines.push('', 'Note: this build has no quarantine store (local/simulate/quarantine.ts).');
  lines.push(
    '',
    `Attempts by answer: ${Object.entries(report.attempts)
      .map(([answer, count]) => `${answer} ${count}`)
      .join(', ')}`,
    `Lag from Smartcar's first attempt to handling: p50 ${report.lagMs.p50} ms, p99 ${report.lagMs.p99} ms, max ${report.lagMs.max} ms`,
    `Faults: ${report.faultWindows.map((w) => `${w.fault} ${((w.to - w.from) / 1000).toFixed(1)} s`).join(', ') || 'none'}`,
    `${report.ok ? 'All checks hold' : 'Some checks FAILED'} (${(report.elapsedMs / 1000).toFixed(1)} s)`,
    '',
  );
  return lines.join('\n');
}
