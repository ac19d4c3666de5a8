#!/usr/bin/env -S npx tsx
/**
 * `npm run build` (and `prepack`): the npm package in `dist/`. The library (`lib/index.ts`) and
 * the processor API (`lambda/processor/public.ts`) as ES modules with `.d.ts`, by `tsc`; the
 * receiver's and the example processor's Lambda bundles, by esbuild with the stack's own options
 * (`esbuildOptions`), so an installed package deploys them without bundling anything of ours;
 * the `smartcar-webhooks` command as one ES module whose packages stay dependencies.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions, type LambdaName, projectRoot } from '../lib/bundling.ts';

const root = projectRoot();
const dist = join(root, 'dist');
const FUNCTIONS: readonly LambdaName[] = ['receiver', 'processor'];

rmSync(dist, { recursive: true, force: true });
execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
// tsc rewrites `./x.ts` to `./x.js` in the JavaScript only: the declarations get the same.
for (const entry of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!entry.endsWith('.d.ts')) continue;
  const file = join(dist, entry);
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/((?:from |import\()['"]\.{1,2}\/[^'"]*)\.ts(['"])/g, '$1.js$2'));
}
for (const name of FUNCTIONS) {
  // dist/assets/<name>/index.js: where lib/bundling.ts (built to dist/lib/) looks for it.
  await build({ ...esbuildOptions(name), outfile: join(dist, 'assets', name, 'index.js'), logLevel: 'warning' });
}
await build({
  entryPoints: [join(root, 'bin', 'smartcar-webhooks.ts')],
  outfile: join(dist, 'bin', 'smartcar-webhooks.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
process.stdout.write(`built ${dist}\n`);
