import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ENV } from '../lambda/core/constants.ts';
import { esbuildOptions, type LambdaName, projectRoot } from '../lib/bundling.ts';
import { COLD_START } from './constants.ts';
import { median, round } from './stats.ts';
import type { ColdStartResult } from './types.ts';

/** What each function needs in its environment to get through init (values are never used). */
const INIT_ENV: Record<LambdaName, Record<string, string>> = {
  receiver: {
    [ENV.QUEUE_URL]: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench',
    [ENV.AMT_SECRET_ID]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-AbCdEf',
    // Required since the quarantine (the receiver refuses to start without it).
    [ENV.QUARANTINE_BUCKET_NAME]: 'bench-quarantine',
  },
  processor: {
    [ENV.IDEMPOTENCY_TABLE_NAME]: 'bench-idempotency',
    [ENV.VEHICLE_STATE_TABLE_NAME]: 'bench-vehicle-state',
  },
};

/**
 * Cold-start proxy: builds both bundles with exactly the stack's esbuild options, then times a
 * fresh `node` process that loads each bundle (init code: config, Powertools, SDK clients) and
 * exits, against a bare `node -e 0`. Runs are interleaved so drift on a shared machine hits all
 * three alike; medians are reported. The AWS SDK stays external and resolves from this repo's
 * `node_modules`, as it resolves from the runtime in Lambda.
 *
 * @example
 * ```ts
 * const { receiver_bundle_bytes, receiver_init_ms } = await benchColdStart();
 * ```
 */
export async function benchColdStart(): Promise<ColdStartResult> {
  const dir = await mkdtemp(join(tmpdir(), 'smartcar-bench-'));
  try {
    const bundles = {} as Record<LambdaName, { path: string; bytes: number }>;
    for (const name of ['receiver', 'processor'] as const) {
      const path = join(dir, `${name}.js`);
      await build({ ...esbuildOptions(name), outfile: path, logLevel: 'silent' });
      bundles[name] = { path, bytes: (await stat(path)).size };
    }
    const env = {
      ...process.env,
      NODE_PATH: join(projectRoot(), 'node_modules'),
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const time = (args: string[], extraEnv: Record<string, string> = {}): number => {
      const started = performance.now();
      const result = spawnSync(process.execPath, args, { env: { ...env, ...extraEnv }, stdio: 'pipe' });
      const elapsed = performance.now() - started;
      if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr.toString()}`);
      return elapsed;
    };
    const samples = { baseline: [] as number[], receiver: [] as number[], processor: [] as number[] };
    for (let run = 0; run < COLD_START.warmupRuns + COLD_START.runs; run++) {
      const baseline = time(['-e', '0']);
      const receiver = time([bundles.receiver.path], INIT_ENV.receiver);
      const processor = time([bundles.processor.path], INIT_ENV.processor);
      if (run < COLD_START.warmupRuns) continue;
      samples.baseline.push(baseline);
      samples.receiver.push(receiver);
      samples.processor.push(processor);
    }
    const baseline = median(samples.baseline);
    const receiver = median(samples.receiver);
    const processor = median(samples.processor);
    return {
      receiver_bundle_bytes: bundles.receiver.bytes,
      processor_bundle_bytes: bundles.processor.bytes,
      receiver_process_ms: round(receiver),
      processor_process_ms: round(processor),
      node_baseline_ms: round(baseline),
      receiver_init_ms: round(receiver - baseline),
      processor_init_ms: round(processor - baseline),
      receiver_ratio: round(receiver / baseline, 2),
      processor_ratio: round(processor / baseline, 2),
      runs: COLD_START.runs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
