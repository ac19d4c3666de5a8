import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/bundling.ts';
import { CONTEXT_KEYS, parseSettings, readConfig } from '../../lib/config.ts';
import { ConfigError, UnknownContextKeyError } from '../../lib/errors.ts';
import { configurationTable } from '../../lib/settings/markdown.ts';
import { SETTINGS, type SettingRow } from '../../lib/settings/table.ts';
import { SmartcarWebhookStack } from '../../lib/smartcar-webhook-stack.ts';
import { synthesizeWithCdkCli } from '../helpers/cdk-synth.ts';
import { fastApp } from './helpers.ts';

/** The table under docs/configuration.md's "# Configuration": its lines, from the first `|` line to the last. */
function documentedConfigurationTable(): string[] {
  const lines = readFileSync(join(projectRoot(), 'docs', 'configuration.md'), 'utf8').split('\n');
  const heading = lines.indexOf('# Configuration');
  const first = lines.findIndex((line, i) => i > heading && line.startsWith('|'));
  let last = first;
  while (lines[last + 1]?.startsWith('|')) last++;
  return heading < 0 || first < 0 ? [] : lines.slice(first, last + 1);
}

describe('the settings table', () => {
  it('is the docs/configuration.md table, row for row', () => {
    // Prepare
    const fromCode = configurationTable();

    // Act
    const documented = documentedConfigurationTable();

    // Assess: on a mismatch, paste `configurationTable().join('\n')` into docs/configuration.md
    expect(documented).toEqual(fromCode);
  });

  it('documents every key in one line and gives each a default or a default text', () => {
    // Prepare
    const rows = Object.entries(SETTINGS) as [string, SettingRow<unknown>][];

    // Act
    const undocumented = rows.filter(
      ([, row]) => !row.doc || row.doc.includes('\n') || (row.default === undefined && !row.defaultText),
    );

    // Assess
    expect(undocumented.map(([key]) => key)).toEqual([]);
    expect(CONTEXT_KEYS).toEqual(Object.keys(SETTINGS));
  });

  it.each(Object.entries(SETTINGS).filter(([, row]) => 'default' in row))(
    'accepts its own default for %s',
    (key, row) => {
      // Prepare
      const { default: value } = row as SettingRow<unknown>;

      // Act
      const parsed = (row as SettingRow<unknown>).parse(value, key);

      // Assess
      expect(parsed).toEqual(value);
    },
  );
});

describe('unknown context keys', () => {
  it.each([
    ['maxRecieveCount', 'maxReceiveCount'],
    ['stag', 'stage'],
    ['batchsize', 'batchSize'],
    ['max-receive-count', 'maxReceiveCount'],
    ['alarmTreshholds', 'alarmThresholds'],
  ])('stop the config at %s, naming the nearest known key %s', (typo, nearest) => {
    // Prepare
    const context = { [typo]: '5' };

    // Act
    const read = () => readConfig(fastApp(context).node);

    // Assess
    expect(read).toThrow(UnknownContextKeyError);
    expect(read).toThrow(`Unknown context key "${typo}": did you mean "${nearest}"?`);
  });

  it("leave CDK's own keys alone: feature flags, CLI and toolkit keys, cached lookups", () => {
    // Prepare
    const context = {
      '@aws-cdk/core:validateAgainstDefaultRules': true,
      '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
      'aws:cdk:enable-path-metadata': true,
      'aws-cdk:enableDiffNoFail': true,
      'cdk-migrate': false,
      'cli-telemetry': false,
      'acknowledged-issue-numbers': [32775],
      'availability-zones:account=123456789012:region=eu-west-1': ['eu-west-1a'],
      maxReceiveCount: '5',
    };

    // Act
    const settings = parseSettings(context);

    // Assess
    expect(settings).toEqual({ maxReceiveCount: 5 });
  });

  it("stop `cdk synth` itself at the typo, with the nearest key, and never at the CLI's or cdk.json's own keys", () => {
    // Prepare: the real CLI, which adds its own aws:cdk:* keys and cdk.json's context

    // Act
    const typo = synthesizeWithCdkCli(['-c', 'maxRecieveCount=5']);
    typo.remove();

    // Assess
    expect(typo.status).not.toBe(0);
    expect(typo.stderr).toContain('Unknown context key "maxRecieveCount": did you mean "maxReceiveCount"?');
    expect(typo.stderr.match(/Unknown context key "[^"]+"/g)).toEqual(['Unknown context key "maxRecieveCount"']);
  }, 120_000);
});

describe("the stack's props", () => {
  it('are checked by the same parser as the context, so a direct `new SmartcarWebhookStack` fails alike', () => {
    // Prepare
    const props = { maxReceiveCount: 0 };

    // Act
    const build = () =>
      new SmartcarWebhookStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Direct', props);

    // Assess
    expect(build).toThrow(ConfigError);
    expect(build).toThrow('Invalid context "maxReceiveCount": expected an integer from 1 to 1000, got 0');
  });

  it('take every cross-setting rule too, counting unset keys as their defaults', () => {
    // Prepare
    const context = { errorPath: SETTINGS.dataPath.default };

    // Act
    const read = () => parseSettings(context);

    // Assess
    expect(read).toThrow('Invalid context "errorPath": expected a path different from dataPath');
  });
});
