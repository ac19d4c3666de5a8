import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../lib/bundling.ts';

/**
 * Runs the AWS CloudFormation linter (`cfn-lint`, Python) the way `npm run test:cfn` needs it: one
 * process for many templates, JSON findings, the repository's `.cfnlintrc.yaml`. Which cfn-lint,
 * and how to install it: `findCfnLint` in `test/helpers/outside-tools.ts`.
 */

/** Regions to lint in, ignored checks and why: the one configuration file. */
export const CFN_LINT_CONFIG = join(projectRoot(), '.cfnlintrc.yaml');

/** One cfn-lint finding, flattened for assertions and messages. */
export interface LintFinding {
  file: string;
  level: string;
  rule: string;
  path: string;
  message: string;
}

interface RawFinding {
  Filename: string;
  Level: string;
  Message: string;
  Rule: { Id: string };
  Location: { Path: Array<string | number> };
}

/**
 * Lints `files` in one cfn-lint process with {@link CFN_LINT_CONFIG}; returns every finding.
 * Throws when cfn-lint fails to produce its JSON report.
 *
 * @example
 * ```ts
 * const findings = runCfnLint(['/tmp/dev.json', '/tmp/prod.json']);
 * const errors = findings.filter((f) => f.level === 'Error');
 * ```
 */
export function runCfnLint(files: readonly string[]): LintFinding[] {
  const result = spawnSync('cfn-lint', ['--format', 'json', '--config-file', CFN_LINT_CONFIG, '--', ...files], {
    cwd: projectRoot(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  let raw: RawFinding[];
  try {
    raw = JSON.parse(result.stdout) as RawFinding[];
  } catch {
    throw new Error(`cfn-lint exited ${result.status} without a JSON report: ${result.stderr || result.stdout}`);
  }
  return raw.map((f) => ({
    file: f.Filename,
    level: f.Level,
    rule: f.Rule.Id,
    path: f.Location.Path.join('/'),
    message: f.Message,
  }));
}

/**
 * A finding as one line, for failure messages.
 *
 * @example
 * ```ts
 * findings.map(describeFinding); // ['Error E3034 Resources/Queue/Properties/VisibilityTimeout: ...']
 * ```
 */
export function describeFinding(finding: LintFinding): string {
  return `${finding.level} ${finding.rule} ${finding.path}: ${finding.message}`;
}
