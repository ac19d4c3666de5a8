import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/bundling.ts';

/**
 * The real gate, once per run: `cdk synth` through the CLI with real esbuild bundling of both
 * functions, the cdk-nag packs and the built-in CloudFormation validation as errors (the
 * `@aws-cdk/core:validateAgainstDefaultRules` flag in cdk.json). Fully offline.
 */

const STACK = 'SmartcarWebhooks-dev';
/** The receiver is on every delivery's cold path; its bundle is kept small on purpose. */
const RECEIVER_BUNDLE_LIMIT_BYTES = 60 * 1024;

let outDir: string;
let result: ReturnType<typeof spawnSync>;

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'cdk-synth-'));
  // The gate must not be switched off by the caller's environment.
  const { CDK_VALIDATION: _ignored, ...env } = process.env;
  result = spawnSync(
    process.execPath,
    [join(projectRoot(), 'node_modules/aws-cdk/bin/cdk'), 'synth', '-q', '--no-notices', '-o', outDir],
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
}, 180_000);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

function functionAssets(): Record<string, string> {
  const template = JSON.parse(readFileSync(join(outDir, `${STACK}.template.json`), 'utf8')) as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => [id, join(outDir, r.Metadata?.['aws:asset:path'] ?? 'missing')]),
  );
}

describe('cdk synth', () => {
  it('succeeds with nag, built-in validation and real bundling', () => {
    // Prepare: synth ran once in beforeAll.

    // Act
    const status = result.status;

    // Assess
    expect(result.stderr).not.toMatch(/Validation failed|ERROR/);
    expect(status).toBe(0);
  });

  it('bundles both functions into an index.js', () => {
    // Prepare
    const assets = functionAssets();

    // Act
    const bundles = Object.entries(assets).map(([id, dir]) => [id, existsSync(join(dir, 'index.js'))]);

    // Assess
    expect(bundles).toHaveLength(2);
    expect(bundles.every(([, exists]) => exists)).toBe(true);
  });

  it('keeps the receiver bundle under 60 KB (AWS SDK left to the runtime)', () => {
    // Prepare
    const [, receiverDir] = Object.entries(functionAssets()).find(([id]) => id.startsWith('Receiver')) ?? [];

    // Act
    const size = statSync(join(receiverDir ?? 'missing', 'index.js')).size;

    // Assess
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(RECEIVER_BUNDLE_LIMIT_BYTES);
  });
});
