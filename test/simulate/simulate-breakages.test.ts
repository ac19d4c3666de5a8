import { describe, expect, it } from 'vitest';
import { formatReport } from '../../local/simulate/report.ts';
import { runSimulation } from '../../local/simulate/run.ts';
import type { Breakages, FaultName, SimulationReport } from '../../local/simulate/types.ts';

/** A small run with one deliberate breakage of the pipeline: the simulation must catch it. */
function broken(breakages: Breakages, faults: FaultName[] = []): Promise<SimulationReport> {
  return runSimulation({
    seed: 11,
    events: 80,
    faults,
    timeScale: 100,
    rate: 40,
    visibilityTimeoutSeconds: 1,
    breakages,
  });
}

/** The report's check `name`; every breakage run must have passed VERIFY, or it proves nothing. */
function check(report: SimulationReport, name: string): boolean | undefined {
  expect(report.checks.find((entry) => entry.name === 'VERIFY answered')?.ok, formatReport(report)).toBe(true);
  return report.checks.find((entry) => entry.name === name)?.ok;
}

describe('npm run simulate can fail: each deliberate breakage makes a check fail', () => {
  it('ack before persist: events answered 200 while SQS was down are unaccounted', async () => {
    // Prepare / Act: a front door answers 200 before the receiver has enqueued, during a long SQS outage.
    const report = await broken({ ackBeforePersist: true }, ['sqs-refuse-long']);

    // Assess
    expect(check(report, 'unaccounted = 0'), formatReport(report)).toBe(false);
    expect(Object.keys(report.table.unaccounted.causes).join(), formatReport(report)).toContain('answered 2xx');
  }, 180_000);

  it('skip the archive: handled events are missing from the archive, and the replay finds nothing', async () => {
    const report = await broken({ skipArchive: true });

    expect(check(report, 'every accepted event archived'), formatReport(report)).toBe(false);
    expect(report.ok).toBe(false);
  }, 180_000);

  it('drop a quarantined body: a signed unprocessable body is not in the quarantine', async () => {
    // Prepare / Act: the quarantine loses the first body it stored.
    const report = await broken({ dropQuarantinedBody: true });

    // Assess: a body the receiver did quarantine (not the known not-UTF-8 loss) is missing.
    const missing = report.findings.find((finding) => finding.check === 'unprocessable body not quarantined');
    expect(
      missing?.examples.some((example) => !example.includes('(not_utf8')),
      formatReport(report),
    ).toBe(true);
    expect(check(report, 'no authentic event lost')).toBe(false);
  }, 180_000);

  it('ignore the freshness check: a vehicle ends with an older value than the newest handled', async () => {
    // Every signal stamped "now" when handled: the last delivered wins, and deliveries are out of order.
    const report = await broken({ ignoreFreshness: true });

    expect(check(report, 'stored state = newest generated values'), formatReport(report)).toBe(false);
    expect(report.ok).toBe(false);
  }, 180_000);
});
