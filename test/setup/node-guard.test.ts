import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/bundling.ts';

/**
 * `bin/check-node.mjs`, the guard `npm start` and `npm test` run first: an older Node than
 * package.json's engines gets one line saying what to install, not a stack trace. The older Node
 * is this Node with `process.version` replaced before the guard runs (`--import` of a module
 * that redefines it), so the test runs the guard file itself, as npm does.
 */

const GUARD = join(projectRoot(), 'bin', 'check-node.mjs');
const PACKAGE = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'node-guard-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the guard under this Node posing as `version` (e.g. `v20.19.0`). */
function guardUnder(version: string): { status: number | null; stderr: string; stdout: string } {
  const pose = join(dir, `pose-${version}.mjs`);
  writeFileSync(
    pose,
    `Object.defineProperty(process, 'version', { value: '${version}' });\n` +
      `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '${version.slice(1)}' } });\n`,
  );
  const run = spawnSync(process.execPath, ['--import', pose, GUARD], { encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

describe('the Node version guard', () => {
  it('stops Node 20 with one line naming the Node it needs and how to get it', () => {
    // Prepare
    const version = 'v20.19.0';

    // Act
    const run = guardUnder(version);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^This project needs Node\.js 22\.12 or later .*this is Node\.js v20\.19\.0: install Node\.js 24/,
      ),
    ]);
  });

  it('stops a Node 22 older than 22.12, which vite (under vitest) does not support', () => {
    // Prepare
    const version = 'v22.11.0';

    // Act
    const run = guardUnder(version);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('needs Node.js 22.12 or later (package.json engines: ">=22.12"');
  });

  it.each(['v22.12.0', 'v24.22.3', 'v26.1.0'])('lets %s through, silently', (version) => {
    // Prepare: nothing beyond the pose.

    // Act
    const run = guardUnder(version);

    // Assess
    expect({ status: run.status, stderr: run.stderr, stdout: run.stdout }).toEqual({
      status: 0,
      stderr: '',
      stdout: '',
    });
  });

  it("takes its minimum from package.json's engines, which ask for Node 22.12 or later", () => {
    // Prepare: the guard beside a package.json that asks for more than any Node there is
    const copy = join(dir, 'project');
    mkdirSync(join(copy, 'bin'), { recursive: true });
    copyFileSync(GUARD, join(copy, 'bin', 'check-node.mjs'));
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ engines: { node: '>=999' } }));

    // Act
    const run = spawnSync(process.execPath, [join(copy, 'bin', 'check-node.mjs')], { encoding: 'utf8' });

    // Assess
    expect(PACKAGE.engines.node).toBe('>=22.12');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('needs Node.js 999 or later (package.json engines: ">=999"');
  });

  it.each(['start', 'test', 'test:browser', 'test:cfn', 'test:rehearsal', 'test:all'])(
    'runs first in `npm %s`, before tsx or vitest can fail on the old Node',
    (script) => {
      // Prepare
      const command = PACKAGE.scripts[script];

      // Act
      const first = command?.split(' && ')[0];

      // Assess
      expect(first).toBe('node bin/check-node.mjs');
    },
  );
});
