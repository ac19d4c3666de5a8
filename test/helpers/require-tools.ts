import { LAMBDA_RUNTIME } from '../../lib/bundling.ts';
import { findCfnLint, findChromium, findLambdaNode, type ToolLookup } from './outside-tools.ts';

/**
 * Run first by `npm run test:browser`, `test:cfn`, `test:rehearsal` and `test:all`: for each tool
 * named on the command line, finds it as the tests will, and stops within seconds, with one line
 * per missing tool (what it is and how to install it on Linux and on macOS), before a test starts.
 *
 * @example
 * ```sh
 * tsx test/helpers/require-tools.ts browser cfn-lint lambda-node
 * ```
 */

const TOOLS: Record<string, () => ToolLookup> = {
  browser: findChromium,
  'cfn-lint': findCfnLint,
  'lambda-node': () => findLambdaNode(LAMBDA_RUNTIME.name),
};

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in TOOLS));
if (names.length === 0 || unknown.length > 0) {
  console.error(
    `usage: require-tools.ts ${Object.keys(TOOLS).join('|')}... (unknown: ${unknown.join(', ') || 'none given'})`,
  );
  process.exit(2);
}
let missing = 0;
for (const name of names) {
  const found = TOOLS[name]!();
  if (found.problem) {
    console.error(`Missing ${found.problem}`);
    missing++;
  }
}
process.exit(missing > 0 ? 1 : 0);
