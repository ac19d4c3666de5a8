import type { Finding, SimulationReport } from '../../local/simulate/types.ts';

/**
 * What main still loses, each with the reason it is accepted here. The simulation reports these
 * as findings (it must never hide a loss); the suite accepts exactly these and nothing else. When
 * one is fixed, delete its entry: the run must then hold without it.
 */
export const KNOWN_FINDINGS: Readonly<Record<string, (finding: Finding, report: SimulationReport) => boolean>> = {
  // Not a loss: on a machine loaded by the rest of the suite, four local answers slower than the
  // scaled attempt timeout (1 s) with no fault active; Smartcar's real 15 s would not see them.
  'dropped: local answers slower than the scaled timeout': () => true,
  // Open: a signed body that is not UTF-8, sent as Smartcar sends every body (Content-Type
  // application/json), reaches the receiver decoded as text (the HTTP API does that for text
  // types, and the local stand-in with it): its bytes are no longer the signed ones, so it gets 401,
  // never the not_utf8 quarantine, and Smartcar drops it after 4 attempts (docs/simulate.md).
  'authentic event lost (4xx)': (finding) => finding.examples.every((example) => example.includes('(not_utf8')),
  'unprocessable body not quarantined': (finding) => finding.examples.every((example) => example.includes('(not_utf8')),
};

/** The report's findings that are not known ones. */
export function unexpectedFindings(report: SimulationReport): Finding[] {
  return report.findings.filter((finding) => !KNOWN_FINDINGS[finding.check]?.(finding, report));
}
