import { fileURLToPath } from 'node:url';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

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
