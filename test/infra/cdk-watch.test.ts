import { readFileSync } from 'node:fs';
import { matchesGlob } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * Issue #24: `cdk watch` (docs/replay.md) redeploys a dev stage when a file its `watch` block in
 * cdk.json includes changes. Every file the synthesized stack is made of must be included (the
 * app and constructs synth reads, each function's bundled sources, and package-lock.json, which
 * decides the bundled dependency versions), and nothing only the local tools use.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const { watch } = JSON.parse(readFileSync(`${ROOT}cdk.json`, 'utf8')) as {
  watch: { include: string[]; exclude: string[] };
};
const watched = (file: string): boolean =>
  watch.include.some((glob) => matchesGlob(file, glob)) && !watch.exclude.some((glob) => matchesGlob(file, glob));

/** The project's own source files esbuild reaches from `entry` (dependencies left out). */
async function sourcesOf(entry: string): Promise<string[]> {
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(metafile.inputs).filter((file) => !file.startsWith('node_modules/'));
}

describe("cdk.json's watch block", () => {
  it('covers every file the stack is synthesized and bundled from, and package-lock.json', async () => {
    // Prepare
    const entries = ['bin/app.ts', 'lambda/receiver/index.ts', 'lambda/processor/index.ts'];

    // Act
    const sources = [...new Set((await Promise.all(entries.map(sourcesOf))).flat())];

    // Assess
    expect(sources.length).toBeGreaterThan(20);
    expect(sources.filter((file) => !watched(file))).toEqual([]);
    expect(watched('package-lock.json')).toBe(true);
  });

  it('leaves out what only the local tools and the tests use, so editing them redeploys nothing', () => {
    // Act
    const unwatched = ['bin/replay.ts', 'bin/cli/replay-run.ts', 'local/start.ts', 'test/infra/cdk-watch.test.ts'];

    // Assess
    expect(unwatched.filter(watched)).toEqual([]);
  });
});
