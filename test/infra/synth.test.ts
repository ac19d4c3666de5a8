import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CdkSynthRun, functionAssetDirs, sharedCdkSynth } from '../helpers/cdk-synth.ts';

/**
 * The real gate, once per run: `cdk synth` through the CLI with real esbuild bundling of both
 * functions, the cdk-nag packs and the built-in CloudFormation validation as errors (the
 * `@aws-cdk/core:validateAgainstDefaultRules` flag in cdk.json). Fully offline.
 */

/** The receiver is on every delivery's cold path; its bundle is kept small on purpose. */
const RECEIVER_BUNDLE_LIMIT_BYTES = 60 * 1024;

let result: CdkSynthRun;

beforeAll(async () => {
  result = await sharedCdkSynth();
}, 240_000);

function functionAssets(): Record<string, string> {
  return functionAssetDirs(result.template(), result.outDir);
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
