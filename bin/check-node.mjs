// The Node version guard `npm start`, `npm test` and the test:* scripts run first. Plain JavaScript
// that any Node since 14 can parse, so an old Node gets one line naming what to install instead of a
// stack trace from tsx, vitest or a syntax it does not know. The minimum is package.json's engines
// (22.12: the oldest Node 22 that vite, under vitest, supports).
import { readFileSync } from 'node:fs';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const [, needMajor, needMinor = '0'] = /^>=\s*(\d+)(?:\.(\d+))?/.exec(engines.node) ?? [];
const [major, minor] = process.versions.node.split('.').map(Number);
const minimum = needMinor === '0' ? needMajor : `${needMajor}.${needMinor}`;
if (major < Number(needMajor) || (major === Number(needMajor) && minor < Number(needMinor))) {
  console.error(
    `This project needs Node.js ${minimum} or later (package.json engines: "${engines.node}"; Lambda runs 24), ` +
      `but this is Node.js ${process.version}: install Node.js 24 (https://nodejs.org, or \`nvm install 24\`) and run it again.`,
  );
  process.exit(1);
}
