import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_METRICS_NAMESPACE, SERVICE } from '../../lambda/core/constants.ts';
import { createProcessorDynamoClient } from '../../lambda/processor/clients.ts';
import { defaultHandlers } from '../../lambda/processor/handlers/index.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import type { EventHandlers } from '../../lambda/processor/types.ts';
import { createLocalArchiveWriter } from '../archive.ts';
import { LOCAL_DEFAULTS } from '../constants.ts';
import { localDynamoConnection } from '../dynamo.ts';
import { createLocalLogger, createLocalMetrics } from '../powertools.ts';
import type { EmfDocument } from '../terminal-output.ts';
import { type ReloadReport, startHotProcessor } from './hot-processor.ts';
import { observeProcessor } from './observe.ts';
import type { LocalRecordOutcome, ProcessorRuntime } from './types.ts';

/** The processor's folder and the shared core it imports: what hot reload watches. */
export const PROCESSOR_SOURCE_DIRS = [
  new URL('../../lambda/processor/', import.meta.url).pathname,
  new URL('../../lambda/core/', import.meta.url).pathname,
];

export interface ProcessorRuntimeOptions {
  dynamoEndpoint: string;
  logLevel: string;
  /** Receives before the DLQ (the queue's redrive setting), so the last attempt is flagged. */
  maxReceiveCount: number;
  /** `-c futureToleranceSeconds`, as the stack gives the processor. @default PIPELINE_DEFAULTS.futureToleranceSeconds */
  futureToleranceSeconds?: number;
  /** Run in a worker that is replaced when the processor's files change. */
  hotReload: boolean;
  /** In-thread only: business handler overrides (functions cannot cross to a worker). */
  handlers?: Partial<EventHandlers>;
  /** A module whose `defaultHandlers` replace the repository's (watched too, with hot reload). */
  handlersModule?: string;
  onRecord(outcome: LocalRecordOutcome): void;
  /** Hot reload only: each line the processor writes. */
  onLine(line: string): void;
  onReload(report: ReloadReport): void;
  /** In-thread only: the processor's EMF documents (a worker's arrive as lines through `onLine`). */
  onEmf?(emf: EmfDocument): void;
  /** Archive every batch under this folder before its handlers run (`local/archive.ts`). @default - no archive */
  archiveDir?: string;
  /** The local archive stored this many deliveries. */
  onArchived?(count: number): void;
}

/**
 * The processor as the local pipeline runs it: in a hot-reloading worker (`npm start`), or in
 * this thread with injected handlers (tests, fault injection). Both build it with the same
 * `createProcessorHandler` Lambda runs, and both report every record through `onRecord`.
 *
 * @example
 * ```ts
 * const processor = await startProcessorRuntime({ dynamoEndpoint, logLevel: 'INFO', hotReload: true, onRecord, onLine, onReload });
 * ```
 */
export async function startProcessorRuntime(options: ProcessorRuntimeOptions): Promise<ProcessorRuntime> {
  const tables = {
    idempotencyTableName: LOCAL_DEFAULTS.idempotencyTableName,
    vehicleStateTableName: LOCAL_DEFAULTS.vehicleStateTableName,
    maxReceiveCount: options.maxReceiveCount,
    ...(options.futureToleranceSeconds !== undefined ? { futureToleranceSeconds: options.futureToleranceSeconds } : {}),
  };
  if (options.hotReload) {
    if (options.handlers) throw new Error('Injected handlers cannot be hot-reloaded: pass handlersModule instead');
    const handlersModule = options.handlersModule ? resolve(options.handlersModule) : undefined;
    return startHotProcessor({
      data: {
        ...tables,
        dynamoEndpoint: options.dynamoEndpoint,
        logLevel: options.logLevel,
        metricsNamespace: `${DEFAULT_METRICS_NAMESPACE}-local`,
        ...(handlersModule ? { handlersModule: pathToFileURL(handlersModule).href } : {}),
        ...(options.archiveDir ? { archiveDir: options.archiveDir } : {}),
      },
      watch: [...PROCESSOR_SOURCE_DIRS, ...(handlersModule ? [dirname(handlersModule)] : [])],
      onOutcome: options.onRecord,
      onLine: options.onLine,
      onReload: options.onReload,
      ...(options.onArchived ? { onArchived: options.onArchived } : {}),
    });
  }
  const fromModule = options.handlersModule
    ? (
        (await import(pathToFileURL(resolve(options.handlersModule)).href)) as {
          defaultHandlers?: Partial<EventHandlers>;
        }
      ).defaultHandlers
    : undefined;
  const dynamodb = createProcessorDynamoClient(localDynamoConnection(options.dynamoEndpoint));
  const handler = observeProcessor(
    { ...defaultHandlers, ...fromModule, ...options.handlers },
    (hooks) =>
      createProcessorHandler({
        ...tables,
        logger: createLocalLogger(SERVICE.PROCESSOR, options.logLevel),
        metrics: createLocalMetrics(SERVICE.PROCESSOR, options.onEmf),
        dynamodb,
        // Lambda retries a fully failed batch because the handler throws; the poller needs the list.
        throwOnFullBatchFailure: false,
        ...(options.archiveDir
          ? { archive: createLocalArchiveWriter({ dir: options.archiveDir, onArchived: options.onArchived }) }
          : {}),
        ...hooks,
      }),
    options.onRecord,
  );
  const loadedAt = new Date().toISOString();
  return {
    invoke: handler,
    state: () => ({ hotReload: false, generation: 1, loadedAt }),
    close: async () => dynamodb.destroy(),
  };
}
