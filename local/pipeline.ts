import { join } from 'node:path';
import { LOCAL_ADDRESS } from './api/constants.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { startEmulatorHost } from './emulator-host/start-emulator-host.ts';
import { makePrivateDir } from './private-files.ts';
import type { LocalPipeline, PipelineOptions } from './types.ts';

/**
 * Starts the whole pipeline on loopback: the HTTP API stand-in in front of the **same receiver
 * module** Lambda runs and a Lambda-like poller feeding the **same processor module**, in this
 * thread (or, with `hotReload`, in a worker thread replaced when its files change); the SQS
 * emulator (main queue and DLQ with the stack's redrive settings) and the DynamoDB emulator (the
 * processor's tables) in a worker thread, so their CPU does not queue the HTTP intake (in AWS
 * neither shares the receiver's compute). The console and its `/_local/*` API are served on the
 * same port (`local/console/`).
 *
 * Every part can be stopped and started again for fault injection (`sqsEmulator`,
 * `dynamoEmulator`, `poller`). With a `dataDir`, the folder is this pipeline's until `stop()`
 * (`local/data-dir-lock.ts`): a second one on it throws `DataDirLockError`.
 *
 * @example
 * ```ts
 * const pipeline = await startPipeline({ port: 0, quiet: true });
 * await fetch(pipeline.webhookUrl, { method: 'POST', headers: signedHeaders(body, pipeline.amt), body });
 * await pipeline.waitFor((s) => s.processedTotal === 1, 10_000);
 * await pipeline.stop();
 * ```
 */
export async function startPipeline(options: PipelineOptions = {}): Promise<LocalPipeline> {
  // Before the emulators: a second pipeline on the folder stops here, naming the first.
  const lock = options.dataDir ? await lockDataDir(options.dataDir) : undefined;
  let pipeline: LocalPipeline;
  try {
    pipeline = await startParts(options);
  } catch (error) {
    await lock?.release();
    throw error;
  }
  if (!lock) return pipeline;
  // Only for a second start's message: a failed write must not take this pipeline down.
  await lock.setUrl(pipeline.url).catch(() => undefined);
  return {
    ...pipeline,
    stop: async () => {
      try {
        await pipeline.stop();
      } finally {
        await lock.release();
      }
    },
  };
}

async function startParts(options: PipelineOptions): Promise<LocalPipeline> {
  const dynamoPath = options.dataDir ? await dynamoDataDir(options.dataDir) : undefined;
  // The host's thread loads fauxqs and dynalite while this one loads the receiver and the
  // processor (the wiring's imports): started one after the other they cost ~0.3 s more.
  const [host, wiring] = await Promise.allSettled([
    startEmulatorHost({ host: options.host ?? LOCAL_ADDRESS.host, ...(dynamoPath ? { dynamoPath } : {}) }),
    import('./pipeline-wiring.ts'),
  ]);
  if (host.status === 'rejected') throw host.reason;
  if (wiring.status === 'rejected') {
    await host.value.close();
    throw wiring.reason;
  }
  return wiring.value.wirePipeline(options, host.value);
}

async function dynamoDataDir(dataDir: string): Promise<string> {
  const path = join(dataDir, 'dynamodb');
  await makePrivateDir(path);
  return path;
}
