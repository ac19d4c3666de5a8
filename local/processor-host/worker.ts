/**
 * A processor worker: builds the processor from the same modules Lambda runs, loaded fresh in
 * this thread, and runs the batches the parent's poller hands it. Logs and EMF metric lines go
 * to this thread's stdout as single JSON lines, as in Lambda; the parent reads them. Started by
 * `startProcessorWorker()` through `worker-entry.mjs`; see `protocol.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SERVICE } from '../../lambda/core/constants.ts';
import { createProcessorDynamoClient } from '../../lambda/processor/clients.ts';
import { defaultHandlers } from '../../lambda/processor/handlers/index.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import { redactPersonalData } from '../../lambda/processor/redact.ts';
import type { EventHandlers } from '../../lambda/processor/types.ts';
import { createLocalArchiveWriter } from '../archive.ts';
import { localDynamoConnection } from '../dynamo.ts';
import { createLambdaContext } from '../lambda-context.ts';
import { observeProcessor } from './observe.ts';
import type { FromWorker, ProcessorWorkerData, ToWorker } from './protocol.ts';

if (!parentPort) throw new Error('The processor worker runs as a worker thread; use startProcessorWorker()');
const port = parentPort;
const data = workerData as ProcessorWorkerData;
const post = (message: FromWorker): void => port.postMessage(message);

const overrides = data.handlersModule
  ? ((await import(data.handlersModule)) as { defaultHandlers?: Partial<EventHandlers> }).defaultHandlers
  : undefined;
if (data.handlersModule && !overrides) throw new Error(`${data.handlersModule} exports no defaultHandlers`);
const handlers: EventHandlers = { ...defaultHandlers, ...overrides };
for (const [type, handler] of Object.entries(handlers)) {
  if (typeof handler !== 'function') throw new TypeError(`The handler for ${type} is not a function`);
}

const processor = observeProcessor(
  handlers,
  (hooks) =>
    createProcessorHandler({
      logger: new Logger({
        serviceName: SERVICE.PROCESSOR,
        logLevel: data.logLevel.toUpperCase() as LogLevel,
        jsonReplacerFn: redactPersonalData,
      }),
      metrics: new Metrics({ namespace: data.metricsNamespace, serviceName: SERVICE.PROCESSOR }),
      dynamodb: createProcessorDynamoClient(localDynamoConnection(data.dynamoEndpoint)),
      idempotencyTableName: data.idempotencyTableName,
      vehicleStateTableName: data.vehicleStateTableName,
      maxReceiveCount: data.maxReceiveCount,
      ...(data.futureToleranceSeconds !== undefined ? { futureToleranceSeconds: data.futureToleranceSeconds } : {}),
      throwOnFullBatchFailure: false,
      ...(data.archiveDir
        ? {
            archive: createLocalArchiveWriter({
              dir: data.archiveDir,
              onArchived: (count) => post({ type: 'archived', count }),
            }),
          }
        : {}),
      ...hooks,
    }),
  (outcome) => post({ type: 'outcome', outcome }),
);

port.on('message', (message: ToWorker) => {
  const context = createLambdaContext(SERVICE.PROCESSOR, message.remainingMs / 1000);
  processor(message.event, context).then(
    (response) => post({ type: 'result', id: message.id, response }),
    (error: Error) =>
      post({ type: 'result', id: message.id, error: { name: error.name, message: error.message, stack: error.stack } }),
  );
});
post({ type: 'ready', eventTypes: Object.keys(handlers) });
