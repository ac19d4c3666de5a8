import { Worker } from 'node:worker_threads';
import { LOCAL_ADDRESS } from '../api/constants.ts';
import type {
  EmulatorAddress,
  EmulatorHost,
  EmulatorHostData,
  EmulatorHostOptions,
  EmulatorName,
  HostCommand,
  HostMessage,
  HostRequest,
  RemoteEmulator,
} from './types.ts';

type Ready = Extract<HostMessage, { type: 'ready' }>;

/**
 * Starts the SQS and DynamoDB emulators in a worker thread (the emulator host) and resolves
 * once both listen on loopback. The parent talks to them over HTTP as before; only their CPU
 * moves off the parent's event loop, so the HTTP intake is not queued behind dynalite.
 *
 * A thread rather than a child process: it cannot outlive the process that started it (no
 * orphans after a crash) and Ctrl-C reaches only the parent, which shuts it down in order.
 *
 * @example
 * ```ts
 * const emulators = await startEmulatorHost({ dynamoPath: '.local-data/dynamodb' });
 * emulators.onCrash((error) => logger.error('Emulator host crashed', { error }));
 * const sqs = createLocalSqsClient(emulators.sqs.endpoint);
 * await emulators.dynamo.stop();  // connections refused, tables kept
 * await emulators.dynamo.start(); // same port, same data
 * await emulators.close();
 * ```
 */
export async function startEmulatorHost(options: EmulatorHostOptions = {}): Promise<EmulatorHost> {
  const workerData: EmulatorHostData = {
    host: options.host ?? LOCAL_ADDRESS.host,
    ...(options.dynamoPath ? { dynamoPath: options.dynamoPath } : {}),
  };
  // No inherited execArgv: the entry registers its own TypeScript loader, the same under tsx and vitest.
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData, execArgv: [] });
  const ready = await waitUntilReady(worker);

  let exited = false;
  let nextId = 0;
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  worker.on('message', (message: HostMessage) => {
    if (message.type !== 'reply') return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error === undefined) waiter?.resolve();
    else waiter?.reject(new Error(message.error));
  });
  // An unhandled 'error' event would take the parent down with the host.
  const crashListeners: Array<(error: Error) => void> = [];
  worker.on('error', (error) => {
    for (const listener of crashListeners) listener(error);
  });
  worker.once('exit', () => {
    exited = true;
    for (const waiter of pending.values()) waiter.reject(new Error('The emulator host has exited'));
    pending.clear();
  });

  const send = (request: HostRequest): Promise<void> => {
    if (exited) return Promise.reject(new Error('The emulator host has exited'));
    const id = nextId++;
    return new Promise<void>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } satisfies HostCommand);
    });
  };

  const remote = (emulator: EmulatorName, address: EmulatorAddress): RemoteEmulator => {
    let running = true;
    return {
      endpoint: address.endpoint,
      port: address.port,
      get running() {
        return running && !exited;
      },
      async stop() {
        await send({ op: 'stop', emulator });
        running = false;
      },
      async start() {
        await send({ op: 'start', emulator });
        running = true;
      },
    };
  };

  let closing: Promise<void> | undefined;
  return {
    sqs: remote('sqs', ready.sqs),
    dynamo: remote('dynamo', ready.dynamo),
    onCrash(listener) {
      crashListeners.push(listener);
    },
    close() {
      closing ??= (async () => {
        // Close the emulators first so dynalite flushes its files; then end the thread.
        // A failed close still ends the thread; the parent's cleanup reports the error.
        try {
          if (!exited) await send({ op: 'close' });
        } finally {
          await worker.terminate();
        }
      })();
      return closing;
    },
  };
}

/** Resolves with the host's `ready` message, rejects if it fails or exits first. */
function waitUntilReady(worker: Worker): Promise<Ready> {
  return new Promise<Ready>((resolve, reject) => {
    // Only our own listeners go: Worker keeps internal ones (removeAllListeners breaks its messaging).
    const settle = (outcome: () => void): void => {
      worker.off('error', onError).off('exit', onExit).off('message', onMessage);
      outcome();
    };
    const onError = (error: Error): void => settle(() => reject(error));
    const onExit = (code: number): void =>
      settle(() => reject(new Error(`The emulator host exited with code ${code} before it was ready`)));
    const onMessage = (message: HostMessage): void =>
      settle(() =>
        message.type === 'ready'
          ? resolve(message)
          : reject(new Error(`The emulator host sent ${message.type} before it was ready`)),
      );
    worker.on('error', onError).on('exit', onExit).on('message', onMessage);
  });
}
