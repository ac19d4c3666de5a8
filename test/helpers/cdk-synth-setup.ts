import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Vitest global setup: an empty directory per test run where `sharedCdkSynth()` leaves the one
 * `cdk synth` the test files share. Nothing is synthesized here, so a run that needs no synth
 * pays nothing; the directory is deleted when the run ends.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * test: { globalSetup: ['test/helpers/cdk-synth-setup.ts'] }
 * ```
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'cdk-synth-run-'));
  project.provide('cdkSynthDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
