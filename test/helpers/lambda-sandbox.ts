import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The child side: a plain CommonJS bootstrap (see the file's header). */
const RUNNER = fileURLToPath(new URL('./lambda-sandbox-runner.cjs', import.meta.url));

/** How a function runs, taken from its `AWS::Lambda::Function` resource. */
export interface LambdaFunctionSpec {
  /** Physical function name (`AWS_LAMBDA_FUNCTION_NAME`). */
  functionName: string;
  /** The bundled asset directory, used as `LAMBDA_TASK_ROOT`. */
  taskRoot: string;
  /** `Handler`, e.g. `index.handler`. */
  handler: string;
  /** `Runtime`, e.g. `nodejs24.x`. */
  runtime: string;
  timeoutSeconds: number;
  memorySize: number;
  /** The function's own `Environment.Variables`, intrinsics already resolved. */
  environment: Record<string, string>;
}

/** Options of {@link startLambdaSandbox}. */
export interface LambdaSandboxOptions {
  /** The Node binary to run the function under. */
  nodeBinary: string;
  /** The only extra module directory (`NODE_PATH`), as the runtime's `/var/runtime/node_modules`. */
  runtimeModules: string;
  region: string;
  /** `AWS_ENDPOINT_URL_<SERVICE>` values, e.g. `{ SQS: 'http://127.0.0.1:4566' }`. */
  endpoints: Record<string, string>;
}

/** An error as the Lambda runtime reports it. */
export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** One invocation's outcome, with the log lines it wrote. */
export interface LambdaInvocation<T> {
  requestId: string;
  /** What the handler's promise resolved to (absent after an error). */
  result?: T;
  /** Set for a rejected handler or a timeout (`Sandbox.Timedout`). */
  error?: LambdaError;
  durationMs: number;
  stdout: string[];
  stderr: string[];
}

/** A running function instance: one process, invoked one event at a time, like a warm Lambda. */
export interface LambdaSandbox {
  /** `process.version` of the child. */
  readonly nodeVersion: string;
  readonly initMs: number;
  /** Lines written outside any invocation (init). */
  readonly initLogs: { stdout: string[]; stderr: string[] };
  invoke<T = unknown>(event: unknown): Promise<LambdaInvocation<T>>;
  close(): Promise<void>;
}

/**
 * The environment the Lambda Node.js runtime gives a function: its own variables plus the
 * runtime's reserved ones (region, function name, memory, handler, task root, log names, fake
 * session credentials), `NODE_PATH` pointing only at `runtimeModules`, and the SDK endpoint
 * overrides that send each service to loopback. Nothing of the calling process leaks in.
 *
 * @example
 * ```ts
 * lambdaEnvironment(spec, { nodeBinary, runtimeModules, region: 'us-east-1', endpoints: { SQS: proxy.endpoint } });
 * ```
 */
export function lambdaEnvironment(spec: LambdaFunctionSpec, options: LambdaSandboxOptions): Record<string, string> {
  const endpoints = Object.fromEntries(
    Object.entries(options.endpoints).map(([service, url]) => [`AWS_ENDPOINT_URL_${service}`, url]),
  );
  const nodeMajor = Number(/^v?(\d+)/.exec(nodeVersionOf(options.nodeBinary))?.[1] ?? 0);
  return {
    ...spec.environment,
    PATH: `${dirname(options.nodeBinary)}:/usr/local/bin:/usr/bin:/bin`,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    NODE_PATH: options.runtimeModules,
    LAMBDA_TASK_ROOT: spec.taskRoot,
    LAMBDA_RUNTIME_DIR: dirname(options.runtimeModules),
    _HANDLER: spec.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    AWS_ACCESS_KEY_ID: 'ASIAREHEARSAL0000000',
    AWS_SECRET_ACCESS_KEY: 'rehearsal-secret-access-key',
    AWS_SESSION_TOKEN: 'rehearsal-session-token',
    // The SDK warns once per process on Node < 22; the real runtime is newer and prints nothing.
    ...(nodeMajor < 22 ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } : {}),
    ...endpoints,
  };
}

/**
 * Starts one function instance: a child `nodeBinary` process with exactly
 * {@link lambdaEnvironment}, working directory the asset, that loads the bundle through
 * `lambda-sandbox-runner.cjs` (CommonJS `require` of the handler's module) and reports init.
 * Rejects with the runtime's error when init fails (a missing module, a config error).
 *
 * @example
 * ```ts
 * const receiver = await startLambdaSandbox(spec, options);
 * const { result } = await receiver.invoke<APIGatewayProxyResultV2>(httpApiEvent);
 * await receiver.close();
 * ```
 */
export async function startLambdaSandbox(
  spec: LambdaFunctionSpec,
  options: LambdaSandboxOptions,
): Promise<LambdaSandbox> {
  const child = spawn(options.nodeBinary, [RUNNER, JSON.stringify({ timeoutSeconds: spec.timeoutSeconds })], {
    cwd: spec.taskRoot,
    env: lambdaEnvironment(spec, options),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const ended = new Map<string, number>();
  let onLine: (() => void) | undefined;
  for (const stream of ['stdout', 'stderr'] as const) {
    let pending = '';
    const output = child[stream]!;
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) {
        const end = /^END RequestId: (\S+)$/.exec(line);
        if (end) ended.set(end[1]!, (ended.get(end[1]!) ?? 0) + 1);
        else lines[stream].push(line);
      }
      onLine?.();
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ready = await new Promise<{ initMs: number; nodeVersion: string }>((resolve, reject) => {
    child.once('message', (message: { type: string; initMs: number; nodeVersion: string; error?: LambdaError }) => {
      if (message.type === 'ready') resolve(message);
      else
        reject(
          new Error(`${spec.functionName} init failed: ${message.error?.errorType}: ${message.error?.errorMessage}`),
        );
    });
    child.once('error', reject);
    exited.then((code) =>
      reject(new Error(`${spec.functionName} exited during init (code ${code}): ${lines.stderr.join('\n')}`)),
    );
  });
  const initLogs = { stdout: lines.stdout.splice(0), stderr: lines.stderr.splice(0) };
  let queue: Promise<unknown> = Promise.resolve();

  const invokeNow = async <T>(event: unknown): Promise<LambdaInvocation<T>> => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${spec.functionName} sandbox is gone`);
    const requestId = randomUUID();
    const answer = new Promise<{ result?: T; error?: LambdaError; durationMs: number }>((resolve, reject) => {
      const onMessage = (message: {
        type: string;
        id: string;
        result?: T;
        error?: LambdaError;
        durationMs: number;
      }): void => {
        if (message.type !== 'result' || message.id !== requestId) return;
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      exited.then((code) => reject(new Error(`${spec.functionName} exited during an invocation (code ${code})`)));
    });
    child.send({ type: 'invoke', id: requestId, event });
    const outcome = await answer;
    // The END markers come after every log line of the invocation, on both streams.
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if ((ended.get(requestId) ?? 0) < 2) return;
        onLine = undefined;
        resolve();
      };
      onLine = check;
      check();
    });
    return { requestId, ...outcome, stdout: lines.stdout.splice(0), stderr: lines.stderr.splice(0) };
  };

  return {
    nodeVersion: ready.nodeVersion,
    initMs: ready.initMs,
    initLogs,
    invoke: <T>(event: unknown) => {
      const next = queue.then(() => invokeNow<T>(event));
      queue = next.catch(() => undefined);
      return next;
    },
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Node's `--version` output for a binary, memoized. */
const versions = new Map<string, string>();
function nodeVersionOf(binary: string): string {
  let version = versions.get(binary);
  if (version === undefined) {
    version =
      binary === process.execPath ? process.version : execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
    versions.set(binary, version);
  }
  return version;
}

/**
 * Builds a `node_modules` like the Lambda runtime's `/var/runtime/node_modules`: symlinks to
 * every `@aws-sdk/*` package of `projectNodeModules` and to the packages they depend on
 * (`@smithy/*`, `@aws-crypto/*`, `tslib`, ...), and nothing else. A bundle that forgot to
 * include one of its own dependencies then fails to load, as it would in Lambda.
 *
 * @returns the directory to use as `NODE_PATH`, and the package names linked.
 * @example
 * ```ts
 * const { dir } = linkAwsSdkRuntimeModules(join(projectRoot(), 'node_modules'), join(tmp, 'runtime'));
 * ```
 */
export function linkAwsSdkRuntimeModules(
  projectNodeModules: string,
  runtimeDir: string,
): { dir: string; packages: string[] } {
  const dir = join(runtimeDir, 'node_modules');
  const seeds = readdirSync(join(projectNodeModules, '@aws-sdk')).map((name) => `@aws-sdk/${name}`);
  const linked = new Set<string>();
  const pending = [...seeds];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (linked.has(name)) continue;
    const packageDir = join(projectNodeModules, name);
    // Nested copies (`<pkg>/node_modules/<dep>`) travel with their parent's symlink.
    if (!existsSync(join(packageDir, 'package.json'))) continue;
    linked.add(name);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      if (!existsSync(join(packageDir, 'node_modules', dependency))) pending.push(dependency);
    }
  }
  for (const name of linked) {
    const link = join(dir, name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(join(projectNodeModules, name)), link, 'dir');
  }
  return { dir, packages: [...linked].sort() };
}
