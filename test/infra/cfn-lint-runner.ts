import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../lib/bundling.ts';

/**
 * Runs the AWS CloudFormation linter (`cfn-lint`, Python) the way `npm test` needs it: one
 * process for many templates, JSON findings, the repository's `.cfnlintrc.yaml`.
 */

/** The cfn-lint release the suite is pinned to (new releases bring new rules). */
export const CFN_LINT_VERSION = '1.51.0';

/** Regions to lint in, ignored checks and why: the one configuration file. */
export const CFN_LINT_CONFIG = join(projectRoot(), '.cfnlintrc.yaml');

/** How to get the pinned linter, for the failure message. */
export const CFN_LINT_INSTALL_HINT =
  `Install it with \`pipx install cfn-lint==${CFN_LINT_VERSION}\` (or \`pip install --user cfn-lint==${CFN_LINT_VERSION}\`) ` +
  'so that `cfn-lint` is on PATH. Not the npm package `cfn-lint`: that is a different, stale tool.';

/** One cfn-lint finding, flattened for assertions and messages. */
export interface LintFinding {
  file: string;
  level: string;
  rule: string;
  path: string;
  message: string;
}

/**
 * Why the pinned cfn-lint cannot be used here, or `undefined` when it can.
 *
 * @example
 * ```ts
 * const problem = cfnLintProblem();
 * if (problem) throw new Error(problem);
 * ```
 */
export function cfnLintProblem(): string | undefined {
  const result = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8', timeout: 60_000 });
  const found = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.error || result.status !== 0) {
    const why =
      (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
        ? 'is not on PATH'
        : `does not run (${found || result.status})`;
    return `cfn-lint ${CFN_LINT_VERSION} is required by npm test but ${why}. ${CFN_LINT_INSTALL_HINT}`;
  }
  if (found !== `cfn-lint ${CFN_LINT_VERSION}`) {
    return `cfn-lint ${CFN_LINT_VERSION} is required by npm test, found "${found}". ${CFN_LINT_INSTALL_HINT}`;
  }
  return undefined;
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
