import { relative } from 'node:path';
import type { LocalProcessorState } from '../api/types.ts';
import { summarizeError } from './observe.ts';
import { type ProcessorWorker, type ProcessorWorkerOptions, startProcessorWorker } from './processor-worker.ts';
import type { ProcessorRuntime } from './types.ts';
import { watchSourceFiles } from './watch-files.ts';

/** What a reload attempt reports (printed by `npm start`, shown by the console). */
export type ReloadReport =
  | { ok: true; file: string; ms: number; generation: number; eventTypes: readonly string[] }
  | { ok: false; file: string; error: Error };

export interface HotProcessorOptions extends ProcessorWorkerOptions {
  /** Folders whose source files reload the processor when they change. */
  watch: readonly string[];
  onReload(report: ReloadReport): void;
}

/**
 * The processor with hot reload: its code runs in a worker thread, and when a source file
 * under `watch` changes a new worker loads the code afresh. Only once it has loaded does it
 * take the next batch; the old one finishes the batches it holds, then ends. A load that fails
 * (syntax error, missing export, a throw at import) is reported and the old code keeps running.
 * The emulators are not touched: queued and DLQ messages stay where they are.
 *
 * @example
 * ```ts
 * const processor = await startHotProcessor({ data, watch: ['lambda/processor'], onOutcome, onLine, onReload });
 * poller = createPoller({ ..., handler: processor.invoke });
 * ```
 */
export async function startHotProcessor(options: HotProcessorOptions): Promise<ProcessorRuntime> {
  // A worker that dies on its own (a handler calling process.exit) is replaced like an edit.
  const start = (): Promise<ProcessorWorker> =>
    startProcessorWorker({
      ...options,
      onUnexpectedExit: (code) => schedule(`(the processor worker exited with code ${code})`),
    });
  let current: ProcessorWorker = await start();
  const state: LocalProcessorState = { hotReload: true, generation: 1, loadedAt: new Date().toISOString() };
  let reloading: Promise<void> | undefined;
  let queued: string | undefined;
  let closed = false;

  const reload = async (file: string): Promise<void> => {
    const started = Date.now();
    const shown = file.startsWith('(') ? file : relative(process.cwd(), file) || file;
    state.changedFile = shown;
    try {
      const next = await start();
      if (closed) return void (await next.retire());
      const previous = current;
      current = next;
      state.generation += 1;
      state.loadedAt = new Date().toISOString();
      delete state.lastReloadError;
      options.onReload({
        ok: true,
        file: shown,
        ms: Date.now() - started,
        generation: state.generation,
        eventTypes: next.eventTypes,
      });
      await previous.retire();
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      state.lastReloadError = { ...summarizeError(err), at: new Date().toISOString(), file: shown };
      options.onReload({ ok: false, file: shown, error: err });
    }
  };

  const schedule = (file: string): void => {
    if (closed) return;
    if (reloading) {
      queued = file;
      return;
    }
    reloading = reload(file).finally(() => {
      reloading = undefined;
      const again = queued;
      queued = undefined;
      if (again) schedule(again);
    });
  };
  const stopWatching = watchSourceFiles(options.watch, schedule);

  return {
    invoke: (event, context) => current.invoke(event, context),
    state: () => ({ ...state }),
    async close() {
      closed = true;
      stopWatching();
      await reloading;
      await current.retire();
    },
  };
}
