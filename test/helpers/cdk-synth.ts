import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { inject } from 'vitest';
import { projectRoot } from '../../lib/bundling.ts';

/** The stack `cdk synth` builds with no context (stage `dev`). */
export const DEFAULT_STACK = 'SmartcarWebhooks-dev';

/** A CloudFormation template as JSON. */
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  [section: string]: unknown;
}

/** One resource of a {@link CfnTemplate}. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

/** What one `cdk synth` run left behind. */
export interface CdkSynthRun {
  /** The cloud assembly directory (a fresh temp dir). */
  outDir: string;
  status: number | null;
  stdout: string;
  stderr: string;
  /** Parses `<stack>.template.json` from the assembly. */
  template(stack?: string): CfnTemplate;
  /** Deletes the assembly. */
  remove(): void;
}

/**
 * The real gate: `cdk synth` through the CLI, exactly as a user runs it, into a fresh temp dir:
 * real esbuild bundling of both functions, the cdk-nag packs and the built-in CloudFormation
 * validation (the `@aws-cdk/core:validateAgainstDefaultRules` flag in cdk.json). Fully offline.
 * `CDK_VALIDATION` from the caller's environment is dropped so the gate cannot be switched off.
 *
 * @example
 * ```ts
 * const synth = synthesizeWithCdkCli();
 * expect(synth.status).toBe(0);
 * const template = synth.template();
 * synth.remove();
 * ```
 */
export function synthesizeWithCdkCli(
  args: readonly string[] = [],
  outDir: string = mkdtempSync(join(tmpdir(), 'cdk-synth-')),
): CdkSynthRun {
  const { CDK_VALIDATION: _ignored, ...env } = process.env;
  const result = spawnSync(
    process.execPath,
    [join(projectRoot(), 'node_modules/aws-cdk/bin/cdk'), 'synth', '-q', '--no-notices', '-o', outDir, ...args],
    {
      cwd: projectRoot(),
      encoding: 'utf8',
      env: {
        ...env,
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        CDK_DISABLE_VERSION_CHECK: '1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    },
  );
  return synthRun(outDir, { status: result.status, stdout: result.stdout, stderr: result.stderr });
}

function synthRun(outDir: string, result: Pick<CdkSynthRun, 'status' | 'stdout' | 'stderr'>): CdkSynthRun {
  return {
    outDir,
    ...result,
    template: (stack = DEFAULT_STACK) =>
      JSON.parse(readFileSync(join(outDir, `${stack}.template.json`), 'utf8')) as CfnTemplate,
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** An empty directory per test run for {@link sharedCdkSynth} (see `cdk-synth-setup.ts`). */
    cdkSynthDir: string;
  }
}

/** Longest a test file waits for another file's synth of the same run. */
const SHARED_SYNTH_WAIT_MS = 240_000;

/**
 * The default `cdk synth` ({@link synthesizeWithCdkCli} with no arguments) once per test run,
 * shared by every test file that asks: the first caller synthesizes into the run's directory
 * (from the `cdk-synth-setup.ts` global setup), the others wait for its result. The run's
 * teardown deletes it, so `remove()` does nothing here.
 *
 * @example
 * ```ts
 * beforeAll(async () => { synth = await sharedCdkSynth(); }, 240_000);
 * ```
 */
export async function sharedCdkSynth(): Promise<CdkSynthRun> {
  const dir = inject('cdkSynthDir');
  const outDir = join(dir, 'out');
  const resultFile = join(dir, 'result.json');
  let first = true;
  try {
    mkdirSync(join(dir, 'lock'));
  } catch {
    first = false;
  }
  if (first) {
    const run = synthesizeWithCdkCli([], outDir);
    writeFileSync(resultFile, JSON.stringify({ status: run.status, stdout: run.stdout, stderr: run.stderr }));
  }
  const deadline = Date.now() + SHARED_SYNTH_WAIT_MS;
  while (!existsSync(resultFile)) {
    if (Date.now() > deadline) throw new Error(`No shared cdk synth result in ${dir} after ${SHARED_SYNTH_WAIT_MS} ms`);
    await setTimeout(200);
  }
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as Pick<CdkSynthRun, 'status' | 'stdout' | 'stderr'>;
  return { ...synthRun(outDir, result), remove: () => undefined };
}

/**
 * Absolute directory of each `AWS::Lambda::Function`'s bundled asset, by logical id, from the
 * `aws:asset:path` metadata CDK writes next to the function's `Code`.
 *
 * @example
 * ```ts
 * functionAssetDirs(synth.template(), synth.outDir); // { ReceiverFunction9A698DA3: '/tmp/cdk-synth-x/asset.ddda…' }
 * ```
 */
export function functionAssetDirs(template: CfnTemplate, outDir: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([id, resource]) => [id, join(outDir, String(resource.Metadata?.['aws:asset:path'] ?? 'missing'))]),
  );
}
