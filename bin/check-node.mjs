// The Node version guard `npm start`, `npm test` and the test:* scripts run first. Plain JavaScript
// that any Node since 14 can parse, so an old Node gets one line naming what to install instead of a
// stack trace from tsx, vitest or a syntax it does not know. The minimum is package.json's engines.
import { readFileSync } from 'node:fs';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const minimum = Number(/^>=\s*(\d+)/.exec(engines.node)?.[1]);
const major = Number(process.versions.node.split('.')[0]);
if (!(major >= minimum)) {
  console.error(
    `This project needs Node.js ${minimum} or later (package.json engines: "${engines.node}"; Lambda runs 24), ` +
      `but this is Node.js ${process.version}: install Node.js 24 (https://nodejs.org, or \`nvm install 24\`) and run it again.`,
  );
  process.exit(1);
}
