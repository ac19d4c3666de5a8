import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { projectRoot } from '../../lib/bundling.ts';
import { OUTSIDE_TOOL_PROJECTS } from '../../vitest.config.ts';
import { findCfnLint, findChromium, findLambdaNode } from '../helpers/outside-tools.ts';

/**
 * `npm test` passes with nothing but Node and `npm ci`: the three checks that need another tool
 * (a browser, cfn-lint, a Node of the Lambda runtime's major) are vitest projects of their own,
 * and each finds its tool portably or says, in one line, how to install it on Linux and macOS.
 */

const ROOT = projectRoot();
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** Modules that run a tool outside `npm ci` (the finders in `outside-tools.ts` only look for one). */
const NEEDS_A_TOOL = ['test/infra/cfn-lint-runner.ts', 'test/rehearsal/lambda-node.ts'];
/** The finders: they only ask playwright-core where its browser would be. */
const FINDER = 'test/helpers/outside-tools.ts';
/** An import of playwright-core, which a fast test has no use for but a browser. */
const PLAYWRIGHT = /from '(playwright-core|playwright)'/;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'outside-tools-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(() => {
  vi.unstubAllEnvs();
});

/** An executable shell script in its own folder that prints `output` for `--version`. */
function fakeTool(name: string, output: string): string {
  const folder = mkdtempSync(join(dir, `${name}-`));
  const path = join(folder, name);
  writeFileSync(path, `#!/bin/sh\necho '${output}'\n`);
  chmodSync(path, 0o755);
  return path;
}

/** The project's relative imports of `file`, transitively, as paths from the project root. */
function localImports(file: string, seen = new Set<string>()): Set<string> {
  const source = readFileSync(join(ROOT, file), 'utf8');
  for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = relative(ROOT, resolve(dirname(join(ROOT, file)), spec!));
    // Paths inside template strings (scripts a test writes) are not this file's imports.
    if (!/\.(ts|mjs|cjs|js)$/.test(target) || seen.has(target) || !existsSync(join(ROOT, target))) continue;
    seen.add(target);
    localImports(target, seen);
  }
  return seen;
}

describe('the fast suite (`npm test`)', () => {
  it('reaches no module that runs a tool outside npm ci, and no browser', () => {
    // Prepare
    const listed = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'list', '--project', 'fast', '--filesOnly'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    const files = listed.stdout
      .split('\n')
      .map((line) => line.replace(/^\[fast\] /, '').trim())
      .filter(Boolean);

    // Act
    const reaching = files.flatMap((file) => {
      const modules = [file, ...localImports(file)];
      const reached = modules.filter((m) => NEEDS_A_TOOL.includes(m));
      const browser = modules.filter((m) => m !== FINDER && PLAYWRIGHT.test(readFileSync(join(ROOT, m), 'utf8')));
      return [...reached, ...browser].map((m) => `${file} → ${m}`);
    });

    // Assess
    expect(files.length).toBeGreaterThan(50);
    expect(files).not.toContain(OUTSIDE_TOOL_PROJECTS.browser[0]);
    expect(reaching).toEqual([]);
  });

  it('is `npm test`; each outside tool has its script, which checks for the tool first; test:all runs every project', () => {
    // Prepare
    const { scripts } = PACKAGE;

    // Act
    const steps = Object.fromEntries(
      ['test', 'test:browser', 'test:cfn', 'test:rehearsal', 'test:all'].map((s) => [s, scripts[s]?.split(' && ')]),
    );

    // Assess
    expect(steps.test?.at(-1)).toBe('vitest run --project fast');
    expect(steps['test:browser']?.slice(1)).toEqual([
      'tsx test/helpers/require-tools.ts browser',
      'vitest run --project browser',
    ]);
    expect(steps['test:cfn']?.slice(1)).toEqual([
      'tsx test/helpers/require-tools.ts cfn-lint',
      'vitest run --project cfn',
    ]);
    expect(steps['test:rehearsal']?.slice(1)).toEqual([
      'tsx test/helpers/require-tools.ts lambda-node',
      'vitest run --project rehearsal',
    ]);
    expect(steps['test:all']?.[1]).toBe('tsx test/helpers/require-tools.ts browser cfn-lint lambda-node');
    expect(steps['test:all']?.at(-1)).toBe('vitest run');
    expect(Object.keys(OUTSIDE_TOOL_PROJECTS).sort()).toEqual(['browser', 'cfn', 'rehearsal']);
  });
});

describe('finding the browser', () => {
  it('takes CHROMIUM_PATH first', () => {
    // Prepare
    vi.stubEnv('CHROMIUM_PATH', fakeTool('chrome', 'Chromium 999.0'));

    // Act
    const found = findChromium();

    // Assess
    expect(found).toEqual({ path: process.env.CHROMIUM_PATH, version: 'Chromium 999.0' });
  });

  it('then the system browser on PATH', () => {
    // Prepare
    const browser = fakeTool('chromium', 'Chromium 998.0');
    vi.stubEnv('CHROMIUM_PATH', '');
    vi.stubEnv('PATH', dirname(browser));

    // Act
    const found = findChromium();

    // Assess
    expect(found).toEqual({ path: browser, version: 'Chromium 998.0' });
  });

  it('refuses a CHROMIUM_PATH that is not there, in one line with the Linux and macOS installs', () => {
    // Prepare
    vi.stubEnv('CHROMIUM_PATH', join(dir, 'no-such-browser'));

    // Act
    const found = findChromium();

    // Assess
    expect(found.problem).toMatch(/^Chrome or Chromium: CHROMIUM_PATH=.*no-such-browser is not an executable file\./);
    expect(found.problem).toContain('Linux `sudo apt-get install chromium`');
    expect(found.problem).toContain('macOS `brew install --cask chromium`');
    expect(found.problem).not.toContain('\n');
  });
});

describe('finding cfn-lint', () => {
  it('says how to install it on Linux and macOS when PATH has none', () => {
    // Prepare
    vi.stubEnv('PATH', dir);

    // Act
    const found = findCfnLint();

    // Assess
    expect(found.problem).toMatch(
      /^cfn-lint 1\.51\.0: not on PATH\. Install it: Linux `.*pipx install cfn-lint==1\.51\.0`, macOS `brew install pipx/,
    );
    expect(found.problem).not.toContain('\n');
  });

  it('refuses another release, naming the one it found', () => {
    // Prepare
    vi.stubEnv('PATH', dirname(fakeTool('cfn-lint', 'cfn-lint 0.87.0')));

    // Act
    const found = findCfnLint();

    // Assess
    expect(found.problem).toMatch(/^cfn-lint 1\.51\.0: found "cfn-lint 0\.87\.0" at /);
  });
});

describe("finding a Node of the Lambda runtime's major", () => {
  it('takes REHEARSAL_NODE when it has the major', () => {
    // Prepare
    vi.stubEnv('REHEARSAL_NODE', fakeTool('node', 'v24.0.1'));

    // Act
    const found = findLambdaNode('nodejs24.x');

    // Assess
    expect(found).toEqual({ path: process.env.REHEARSAL_NODE, version: 'v24.0.1' });
  });

  it('refuses a REHEARSAL_NODE of another major rather than rehearse under it', () => {
    // Prepare
    vi.stubEnv('REHEARSAL_NODE', fakeTool('node', 'v22.9.0'));

    // Act
    const found = findLambdaNode('nodejs24.x');

    // Assess
    expect(found.problem).toMatch(
      /^Node 24 \(nodejs24\.x\): REHEARSAL_NODE=.* is v22\.9\.0\. Install it: Linux x64 `npm run rehearsal:node`, macOS `brew install node@24`/,
    );
  });

  it('fails, in one line, when no Node of that major is anywhere', () => {
    // Prepare
    vi.stubEnv('REHEARSAL_NODE', '');

    // Act
    const found = findLambdaNode('nodejs98.x');

    // Assess
    expect(found.problem).toMatch(
      /^Node 98 \(nodejs98\.x\): REHEARSAL_NODE unset, test\/rehearsal\/node24 not installed, and this Node is v\d+/,
    );
    expect(found.problem).not.toContain('\n');
  });
});

describe('require-tools, run first by the test:* scripts', () => {
  it('stops with one line per missing tool and exit code 1', () => {
    // Prepare: a PATH with this Node and nothing else
    const env = {
      ...process.env,
      PATH: dirname(process.execPath),
      CHROMIUM_PATH: join(dir, 'none'),
      REHEARSAL_NODE: '',
    };

    // Act
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/require-tools.ts', 'browser', 'cfn-lint'],
      {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^Missing Chrome or Chromium: CHROMIUM_PATH=/),
      expect.stringMatching(/^Missing cfn-lint 1\.51\.0: not on PATH\. Install it: Linux/),
    ]);
  });
});
