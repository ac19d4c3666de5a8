import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template as CdkTemplate } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_KEYS } from '../../lib/config.ts';
import { buildCustomApp } from '../fixtures/custom-app/app.ts';
import { findCfnLint } from '../helpers/outside-tools.ts';
import { describeFinding, type LintFinding, runCfnLint } from './cfn-lint-runner.ts';
import { LINT_VARIANTS } from './cfn-lint-variants.ts';
import { fastApp, templateFor } from './helpers.ts';

/**
 * cfn-lint, the AWS CloudFormation linter, over every variant of the synthesized stack in one
 * process, with `.cfnlintrc.yaml` (Regions, and each ignored warning with its reason): no error
 * and no warning. Assets are placeholders (`aws:cdk:bundling-stacks: []`): that changes only the
 * functions' `Code.S3Key` hashes, which cfn-lint cannot tell apart from real ones.
 *
 * The second app built on `SmartcarWebhookReceiver` (`test/fixtures/custom-app/`, two pipelines in
 * one stack) is linted in the same run.
 *
 * A canary, the dev template with the main queue's visibility timeout beyond SQS's 12 hours, is
 * linted in the same run and must come back with exactly that error: the lint is live.
 *
 * `npm run test:cfn` (and `test:all`) runs this file; cfn-lint is a Python tool `npm ci` does not
 * install, so `npm test` leaves it out.
 */

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

const CANARY = 'canary';
const CUSTOM_APP = 'custom app (test/fixtures/custom-app)';
const SQS_MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

let dir: string;
let problem: string | undefined;
let findings: LintFinding[] = [];
const files = new Map<string, string>();
let canaryQueuePath = '';

/** The dev template with its main queue (the one with a redrive policy) given an impossible visibility timeout. */
function brokenQueueTemplate(): Template {
  const template = templateFor().toJSON() as Template;
  const [id, queue] = Object.entries(template.Resources).find(
    ([, r]) => r.Type === 'AWS::SQS::Queue' && r.Properties?.RedrivePolicy !== undefined,
  )!;
  queue.Properties!.VisibilityTimeout = SQS_MAX_VISIBILITY_TIMEOUT_SECONDS + 1;
  canaryQueuePath = `Resources/${id}/Properties/VisibilityTimeout`;
  return template;
}

beforeAll(() => {
  problem = findCfnLint().problem;
  if (problem) return;
  dir = mkdtempSync(join(tmpdir(), 'cfn-lint-'));
  LINT_VARIANTS.forEach(({ name, context }, i) => {
    const file = join(dir, `variant-${i}.template.json`);
    writeFileSync(file, JSON.stringify(templateFor(context).toJSON()));
    files.set(name, file);
  });
  const customApp = join(dir, 'custom-app.template.json');
  writeFileSync(customApp, JSON.stringify(CdkTemplate.fromStack(buildCustomApp(fastApp()).stack).toJSON()));
  files.set(CUSTOM_APP, customApp);
  const canary = join(dir, 'canary.template.json');
  writeFileSync(canary, JSON.stringify(brokenQueueTemplate()));
  files.set(CANARY, canary);
  findings = runCfnLint([...files.values()]);
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Fails the test (never skips it) when the pinned cfn-lint is not installed. */
function findingsFor(name: string): string[] {
  if (problem) throw new Error(`Missing ${problem}`);
  return findings.filter((f) => f.file === files.get(name)).map(describeFinding);
}

describe('cfn-lint', () => {
  it('is installed at the pinned version', () => {
    // Prepare: checked once in beforeAll.

    // Act
    const found = problem;

    // Assess
    expect(found, found).toBeUndefined();
  });

  it('lints a set of variants that sets every context key', () => {
    // Prepare
    const keys = new Set(LINT_VARIANTS.flatMap((v) => Object.keys(v.context)));

    // Act
    const missing = CONTEXT_KEYS.filter((key) => !keys.has(key));

    // Assess
    expect(missing).toEqual([]);
  });

  it.each([...LINT_VARIANTS.map((v) => v.name), CUSTOM_APP])(
    'finds no error and no warning in the %s template',
    (name) => {
      // Prepare: every template was linted in one cfn-lint run in beforeAll.

      // Act
      const found = findingsFor(name);

      // Assess
      expect(found).toEqual([]);
    },
  );

  it('reports the canary template broken on purpose, so a clean result means something', () => {
    // Prepare: the canary was linted in the same run.

    // Act
    const found = findingsFor(CANARY);

    // Assess
    expect(found).toEqual([
      `Error E3034 ${canaryQueuePath}: ${SQS_MAX_VISIBILITY_TIMEOUT_SECONDS + 1} is greater than the maximum of ${SQS_MAX_VISIBILITY_TIMEOUT_SECONDS}`,
    ]);
  });
});
