import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

/**
 * Runs the AWS Control Tower proactive controls that `@cdklabs/cdk-validator-cfnguard` ships
 * (its own cfn-guard binary and rule files, offline) against a synthesized template.
 *
 * Two views of one run of the rules: the plugin's `validate()` (what `cdk synth` would report,
 * the violations with their resources) and cfn-guard's structured summary (which rules applied
 * and passed), so a test can tell "passed" from "did not apply".
 */

const PACKAGE_DIR = dirname(createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const RULES_DIR = join(PACKAGE_DIR, 'rules', 'control-tower', 'cfn-guard');
const ARCH = { x64: 'x86_64', arm64: 'aarch64' }[process.arch as string];
const GUARD_BINARY = join(
  PACKAGE_DIR,
  'bin',
  process.platform === 'darwin' ? 'macos' : 'ubuntu',
  ARCH ?? 'unsupported',
  'cfn-guard',
);

/** The outcome per Control Tower control id (`CT.DYNAMODB.PR.2`, ...). */
export interface ControlTowerReport {
  /** Controls that applied to some resource of the template and passed for all of them. */
  passed: string[];
  /** Controls with violations, and the logical ids of the violating resources. */
  failed: Record<string, string[]>;
}

/** `ct-dynamodb-pr-2.guard` -> rule name and control id, from the shipped rule files. */
function ruleControls(): Map<string, string> {
  const map = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.guard')) {
        const text = readFileSync(path, 'utf8');
        const rule = /^rule (\w+) when/m.exec(text)?.[1];
        const control = /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]/.exec(text)?.[1];
        if (rule && control) map.set(rule, control);
      }
    }
  };
  walk(RULES_DIR);
  return map;
}

/**
 * Every shipped control's outcome for one template.
 *
 * @example
 * ```ts
 * const report = controlTowerReport(templateFor({ encryptionKey: 'create' }).toJSON());
 * expect(report.passed).toContain('CT.DYNAMODB.PR.2');
 * ```
 */
export function controlTowerReport(template: unknown): ControlTowerReport {
  const dir = mkdtempSync(join(tmpdir(), 'cfn-guard-'));
  try {
    const file = join(dir, 'template.json');
    writeFileSync(file, JSON.stringify(template));
    const controls = ruleControls();
    const control = (rule: string): string => {
      const id = controls.get(rule);
      if (!id) throw new Error(`cfn-guard rule ${rule} has no Control Tower id in its file`);
      return id;
    };

    // The plugin as `cdk synth` runs it: violations with resources.
    const report = new CfnGuardValidator().validate({ templatePaths: [file] } as never);
    const failed: Record<string, Set<string>> = {};
    for (const violation of report.violations) {
      const name = control(violation.ruleName);
      const resources = failed[name] ?? new Set();
      failed[name] = resources;
      for (const resource of violation.violatingResources) resources.add(resource.resourceLogicalId);
    }

    // The same rules through the same binary, for the rules that applied and passed.
    // cfn-guard exits 19 when a rule fails; anything else but 0 is the binary not working here.
    const run = spawnSync(
      GUARD_BINARY,
      [
        'validate',
        '--rules',
        RULES_DIR,
        '--data',
        file,
        '--output-format',
        'json',
        '--show-summary',
        'none',
        '--structured',
      ],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (run.error || (run.status !== 0 && run.status !== 19)) {
      throw new Error(
        `cfn-guard (${GUARD_BINARY}) did not run: ${run.error?.message ?? `exit ${run.status}: ${run.stderr}`}`,
      );
    }
    const [result] = JSON.parse(run.stdout) as { compliant?: string[] }[];
    const passed = [...new Set((result?.compliant ?? []).map(control))].filter((id) => failed[id] === undefined).sort();
    return { passed, failed: Object.fromEntries(Object.entries(failed).map(([id, set]) => [id, [...set].sort()])) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
