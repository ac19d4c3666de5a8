import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { LOG_RETENTION_DAYS, ONE_MONTH_RETENTION, REMOVAL_POLICY } from '../../lib/cdk-enums.ts';

// `npm start` reads the settings table (lib/settings/) to check cdk.json and `-c` as `cdk synth`
// does; the table must not load aws-cdk-lib for it. lib/cdk-enums.ts holds the few CDK enum values
// the table needs as plain values: here they are held to CDK's own.

/** A resolve hook that prints every aws-cdk-lib or constructs import it sees, and who made it. */
const CDK_IMPORT_LOGGER = `
import { registerHooks } from 'node:module';
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (/^(aws-cdk-lib|constructs)(\\/|$)/.test(specifier) && !context.parentURL?.includes('/node_modules/')) {
      process.stderr.write('CDK ' + specifier + ' from ' + context.parentURL + '\\n');
    }
    return nextResolve(specifier, context);
  },
});
`;

describe('the settings table without aws-cdk-lib', () => {
  it('holds the CDK enum values CDK itself has', () => {
    // Prepare
    const cdkRetentions = Object.values(RetentionDays).filter(
      (v): v is RetentionDays => typeof v === 'number' && v !== RetentionDays.INFINITE,
    );

    // Act
    const ours = { retentions: [...LOG_RETENTION_DAYS], oneMonth: ONE_MONTH_RETENTION, removal: REMOVAL_POLICY };

    // Assess
    expect(ours).toEqual({
      retentions: cdkRetentions,
      oneMonth: RetentionDays.ONE_MONTH,
      removal: { DESTROY: RemovalPolicy.DESTROY, RETAIN: RemovalPolicy.RETAIN },
    });
  });

  it('is loaded by `npm start` without aws-cdk-lib', () => {
    // Prepare: `--help` loads every module local/start.ts imports, then prints its usage.
    const hook = join(mkdtempSync(join(tmpdir(), 'cdk-imports-')), 'hook.mjs');
    writeFileSync(hook, CDK_IMPORT_LOGGER);

    // Act
    const run = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(hook).href, '--import', 'tsx', 'local/start.ts', '--help'],
      { encoding: 'utf8' },
    );

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: npm start');
    expect(run.stderr.split('\n').filter((line) => line.startsWith('CDK '))).toEqual([]);
  });
});
