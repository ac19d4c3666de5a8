import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Architecture, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How both functions are built and run. The bench imports this module to rebuild the
 * bundles byte-for-byte the way `cdk synth` does, so there is exactly one definition.
 */

/** The functions of the pipeline; each has its entry at `lambda/<name>/index.ts`. */
export type LambdaName = 'receiver' | 'processor';

/** The newest Node.js runtime aws-cdk-lib offers (cdk-nag L1 rejects anything older). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/** Graviton: cheaper per GB-second and at least as fast for HMAC and JSON work. */
export const LAMBDA_ARCHITECTURE = Architecture.ARM_64;

/** esbuild target matching {@link LAMBDA_RUNTIME}. */
export const LAMBDA_TARGET = 'node24';

/**
 * The runtime ships AWS SDK v3; bundling it would add ~450 KB per client and cold-start time
 * for no benefit, so every `@aws-sdk/*` import is left to the runtime.
 */
export const LAMBDA_EXTERNAL_MODULES: readonly string[] = ['@aws-sdk/*'];

/**
 * `NodejsFunction` bundling options for both functions: local esbuild (never Docker),
 * minified CommonJS (no `createRequire` banner needed for CJS-only dependencies), no source
 * map (stack traces name Powertools and our own small modules well enough, and a map would
 * triple the receiver's cold-load size).
 *
 * @example
 * ```ts
 * new NodejsFunction(this, 'Fn', { entry: lambdaEntry('receiver'), bundling: LAMBDA_BUNDLING });
 * ```
 */
export const LAMBDA_BUNDLING: BundlingOptions = {
  minify: true,
  sourceMap: false,
  target: LAMBDA_TARGET,
  format: OutputFormat.CJS,
  externalModules: [...LAMBDA_EXTERNAL_MODULES],
  forceDockerBundling: false,
};

/**
 * The same build expressed as `esbuild.build()` options, for tools that bundle without CDK.
 *
 * @example
 * ```ts
 * import { build } from 'esbuild';
 * await build({ ...esbuildOptions('receiver'), outfile: 'out/receiver.js' });
 * ```
 */
export function esbuildOptions(name: LambdaName): {
  entryPoints: string[];
  bundle: true;
  platform: 'node';
  target: string;
  format: 'cjs';
  minify: boolean;
  sourcemap: boolean;
  external: string[];
} {
  return {
    entryPoints: [lambdaEntry(name)],
    bundle: true,
    platform: 'node',
    target: LAMBDA_TARGET,
    format: 'cjs',
    minify: LAMBDA_BUNDLING.minify ?? false,
    sourcemap: LAMBDA_BUNDLING.sourceMap ?? false,
    external: [...LAMBDA_EXTERNAL_MODULES],
  };
}

/**
 * Absolute path of a function's entry file (`lambda/<name>/index.ts`, exporting `handler`).
 *
 * @example
 * ```ts
 * lambdaEntry('processor'); // '/path/to/repo/lambda/processor/index.ts'
 * ```
 */
export function lambdaEntry(name: LambdaName): string {
  return fileURLToPath(new URL(`../lambda/${name}/index.ts`, import.meta.url));
}

/**
 * Absolute path of the repository root (where `package-lock.json` is), used as the
 * bundling project root so esbuild resolves the same `node_modules` as the tests.
 *
 * @example
 * ```ts
 * new NodejsFunction(this, 'Fn', { projectRoot: projectRoot(), ... });
 * ```
 */
export function projectRoot(): string {
  return fileURLToPath(new URL('..', import.meta.url));
}

/**
 * Where `npm run build` writes a function's bundle for the npm package
 * (`dist/assets/<name>/index.js`, beside the built `dist/lib/`): an installed package has no
 * `lambda/` sources and no lockfile of ours, so its functions deploy these files as they are.
 *
 * @example
 * ```ts
 * prebuiltAssetDir('receiver'); // '<package>/dist/assets/receiver' when run from dist/lib/bundling.js
 * ```
 */
export function prebuiltAssetDir(name: LambdaName): string {
  return fileURLToPath(new URL(`../assets/${name}`, import.meta.url));
}

/**
 * The code props of a function's `NodejsFunction`. In this repository (the sources are there):
 * esbuild bundles `entry` (default `lambda/<name>/index.ts`) against the repository's own
 * lockfile, as the stack always has. From the installed package: the function's prebuilt bundle
 * ({@link prebuiltAssetDir}), and a caller's `entry` (a `processorEntry`) bundled by
 * `NodejsFunction` in the caller's own project, so nothing depends on where npm put this package.
 *
 * @example
 * ```ts
 * new NodejsFunction(this, 'Fn', { ...functionCode('receiver'), bundling: LAMBDA_BUNDLING });
 * ```
 */
export function functionCode(
  name: LambdaName,
  entry?: string,
): Pick<NodejsFunctionProps, 'entry' | 'handler' | 'projectRoot' | 'depsLockFilePath' | 'code'> {
  if (existsSync(lambdaEntry(name))) {
    return {
      entry: entry ?? lambdaEntry(name),
      handler: 'handler',
      projectRoot: projectRoot(),
      depsLockFilePath: join(projectRoot(), 'package-lock.json'),
    };
  }
  if (entry !== undefined) return { entry, handler: 'handler' };
  return { code: Code.fromAsset(prebuiltAssetDir(name)), handler: 'index.handler' };
}
