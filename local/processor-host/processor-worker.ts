import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import type { SQSBatchResponse } from 'aws-lambda';
import type { SqsBatchHandler } from '../poller.ts';
import type { FromWorker, ProcessorWorkerData, ToWorker } from './protocol.ts';
import type { LocalRecordOutcome } from './types.ts';

/** Options of {@link startProcessorWorker}. */
export interface ProcessorWorkerOptions {
  data: ProcessorWorkerData;
  onOutcome(outcome: LocalRecordOutcome): void;
  /** Each line the processor writes (JSON logs, EMF metrics, a handler's console.log). */
  onLine(line: string): void;
  /** The thread ended without `retire()` (a handler called `process.exit`, or it crashed). */
  onUnexpectedExit?(code: number): void;
  /** The worker's local archive stored this many deliveries. */
  onArchived?(count: number): void;
}

/** One loaded copy of the processor in its own thread. */
export interface ProcessorWorker {
  invoke: SqsBatchHandler;
  /** Event types its handlers cover. */
  readonly eventTypes: readonly string[];
  /** Ends the thread once the batches in flight are answered. */
  retire(): Promise<void>;
}

/**
 * Starts a worker thread that loads the processor's modules afresh, and resolves once it is
 * built; rejects with the load error (a syntax error, a missing export, a throw at import) if
 * it fails. A worker that dies mid-batch fails that batch, as a crashed Lambda does: its
 * messages come back after the visibility timeout.
 *
 * @example
 * ```ts
 * const worker = await startProcessorWorker({ data, onOutcome: log.addOutcome, onLine: print });
 * await worker.invoke(sqsEvent, context);
 * await worker.retire();
 * ```
 */
export async function startProcessorWorker(options: ProcessorWorkerOptions): Promise<ProcessorWorker> {
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
    workerData: options.data,
    execArgv: [],
    stdout: true,
    stderr: true,
    // One JSON line per log entry and EMF lines, as Lambda writes them to CloudWatch Logs.
    env: { ...process.env, POWERTOOLS_DEV: 'false', POWERTOOLS_METRICS_DISABLED: 'false' },
  });
  createInterface({ input: worker.stdout, crlfDelay: Infinity }).on('line', options.onLine);
  createInterface({ input: worker.stderr, crlfDelay: Infinity }).on('line', options.onLine);

  const pending = new Map<number, { resolve: (r: SQSBatchResponse) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let exited = false;
  let retiring = false;
  let idle: (() => void) | undefined;
  const settle = (id: number): { resolve: (r: SQSBatchResponse) => void; reject: (e: Error) => void } | undefined => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) idle?.();
    return waiter;
  };

  const ready = await new Promise<Extract<FromWorker, { type: 'ready' }>>((resolve, reject) => {
    // Only our own listeners go: Worker keeps internal ones.
    const done = (outcome: () => void): void => {
      worker.off('error', onError).off('exit', onExit).off('message', onMessage);
      outcome();
    };
    const onError = (error: Error): void => done(() => reject(error));
    const onExit = (code: number): void =>
      done(() => reject(new Error(`The processor worker exited with code ${code} while loading`)));
    const onMessage = (message: FromWorker): void =>
      done(() =>
        message.type === 'ready'
          ? resolve(message)
          : reject(new Error(`The processor worker sent ${message.type} first`)),
      );
    worker.on('error', onError).on('exit', onExit).on('message', onMessage);
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  worker.on('message', (message: FromWorker) => {
    if (message.type === 'outcome') return options.onOutcome(message.outcome);
    if (message.type === 'archived') return options.onArchived?.(message.count);
    if (message.type !== 'result') return;
    const waiter = settle(message.id);
    if (message.error) waiter?.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
    else waiter?.resolve(message.response ?? { batchItemFailures: [] });
  });
  // An unhandled 'error' would take the pipeline down with the worker.
  worker.on('error', (error) => options.onLine(`The processor worker crashed: ${error.stack ?? error.message}`));
  worker.on('exit', (code) => {
    exited = true;
    if (!retiring) options.onUnexpectedExit?.(code);
    for (const id of [...pending.keys()]) settle(id)?.reject(new Error('The processor worker exited mid-batch'));
  });

  return {
    eventTypes: ready.eventTypes,
    invoke: (event, context) => {
      if (exited) return Promise.reject(new Error('The processor worker has exited'));
      const id = nextId++;
      return new Promise<SQSBatchResponse>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({
          type: 'invoke',
          id,
          event,
          remainingMs: context.getRemainingTimeInMillis(),
        } satisfies ToWorker);
      });
    },
    async retire() {
      retiring = true;
      if (pending.size > 0) await new Promise<void>((resolve) => (idle = resolve));
      await worker.terminate();
    },
  };
}
