import { describe, expect, it } from 'vitest';
import { FAULT_NAMES, ROW } from '../../local/simulate/constants.ts';
import { formatReport } from '../../local/simulate/report.ts';
import { runSimulation } from '../../local/simulate/run.ts';
import { unexpectedFindings } from './known-findings.ts';

describe('npm run simulate: a seeded short run with every fault', () => {
  it('accounts for every event, and finds nothing but the known findings (known-findings.ts)', async () => {
    // Prepare: a few hundred events, every fault once, Smartcar at 100x.
    const options = {
      seed: 7,
      events: 200,
      faults: FAULT_NAMES,
      timeScale: 100,
      rate: 60,
      visibilityTimeoutSeconds: 2,
    };

    // Act
    const report = await runSimulation(options);

    // Assess: every entity in exactly one row, every fault ran, and the only discrepancies are known ones.
    const table = formatReport(report);
    expect(report.table[ROW.UNACCOUNTED].count, table).toBe(0);
    expect(report.checks.find((check) => check.name === 'unaccounted = 0')?.ok, table).toBe(true);
    expect(new Set(report.faultWindows.map((window) => window.fault))).toEqual(new Set(FAULT_NAMES));
    expect(report.table[ROW.HANDLED].count, table).toBeGreaterThan(options.events / 2);
    for (const name of ['every accepted event archived', 'stored state = newest generated values', 'VERIFY answered']) {
      expect(report.checks.find((check) => check.name === name)?.ok, `${name}\n${table}`).toBe(true);
    }
    expect(unexpectedFindings(report), table).toEqual([]);
  }, 240_000);
});
