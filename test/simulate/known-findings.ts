import { ROW } from '../../local/simulate/constants.ts';
import type { Finding, SimulationReport } from '../../local/simulate/types.ts';

/**
 * What main loses today, each named by the open issue that fixes it. The simulation reports these
 * as findings (it must never hide a loss); the suite accepts exactly these and nothing else.
 * When the branch of an issue is merged (and, for the quarantine, `local/simulate/quarantine.ts`
 * wired to its store), delete its entries: the run must then hold without them.
 */
export const KNOWN_FINDINGS: Readonly<Record<string, (finding: Finding, report: SimulationReport) => boolean>> = {
  // Not a loss: on a machine loaded by the rest of the suite, four local answers slower than the
  // scaled attempt timeout (1 s) with no fault active; Smartcar's real 15 s would not see them.
  'dropped: local answers slower than the scaled timeout': () => true,
  // #19.1: signed but unprocessable bodies get a 4xx, and Smartcar drops them after 4 attempts.
  'authentic event lost (4xx)': (_finding, report) => !report.quarantineAvailable,
  // #19.1: no quarantine store on main.
  'unprocessable body not quarantined': (_finding, report) => !report.quarantineAvailable,
  // #19.2 (the timestamps branch): a stale capture whose deliveredAt is in epoch seconds is "unreadable", so accepted.
  'attack accepted': (finding) => finding.examples.every((example) => example.includes('deliveredAt in seconds')),
  // #19.3 (the signals branch): a signal stamped 10 years ahead wins every later comparison.
  'signal frozen by a future oemUpdatedAt': () => true,
  // #19.1: the eventId too long for a DynamoDB key is archived and enqueued, but never handled
  // (a poison message): the replay cannot re-handle it either.
  'replay missed an archived event': (finding, report) =>
    !report.quarantineAvailable && finding.count <= (report.table[ROW.DLQ].causes.unprocessable ?? 0),
  // #20.2 (the idem branch): the ledger commits a batch's completions when it settles, so a kill or a timeout
  // mid-batch re-runs handlers that had already returned.
  'completed handler re-ran': (finding) => finding.examples.every((example) => example.includes('#20')),
};

/** The report's findings that are not known ones. */
export function unexpectedFindings(report: SimulationReport): Finding[] {
  return report.findings.filter((finding) => !KNOWN_FINDINGS[finding.check]?.(finding, report));
}
