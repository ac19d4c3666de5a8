import { setTimeout as sleep } from 'node:timers/promises';
import { createProcessorDynamoClient } from '../lambda/processor/clients.ts';
import { createIdempotencyStatusReader } from '../lambda/processor/idempotency.ts';
import { createProcessorHandler } from '../lambda/processor/processor.ts';
import { staticAmtProvider } from '../lambda/receiver/amt-provider.ts';
import { createReceiverSqsClient } from '../lambda/receiver/clients.ts';
import { createReceiverHandler } from '../lambda/receiver/receiver.ts';
import { ROUTES, SERVICE } from '../lambda/core/constants.ts';
import { queueSettings } from '../lambda/core/queue-settings.ts';
import { generateDevAmt } from './api/amt.ts';
import { LOCAL_DEFAULTS } from './constants.ts';
import { createLocalDynamoClient, createProcessorTables, localDynamoConnection } from './dynamo.ts';
import type { EmulatorHost } from './emulator-host/types.ts';
import { startLocalHttpServer, type LocalHttpServer } from './http-server.ts';
import { createPoller } from './poller.ts';
import { createLocalLogger, createLocalMetrics } from './powertools.ts';
import { createPipelineQueues } from './sqs.ts';
import { createStatsCollector } from './stats.ts';
import type { LocalPipeline, PipelineOptions } from './types.ts';
import { LOCAL_ADDRESS, LOCAL_PATHS, LOCAL_REGION } from './api/constants.ts';
import { createLocalSqsClient, localSqsConnection, queueDepth } from './api/sqs-client.ts';
import type { LocalDeliveryStatus, LocalEndpoints, LocalStats } from './api/types.ts';

/**
 * Wires the pipeline's own thread around a running emulator host: queues and tables, the HTTP
 * API stand-in in front of the **same receiver module** Lambda runs, and a Lambda-like poller
 * feeding the **same processor module**. Loaded by `startPipeline()` while the host boots, so
 * the two start in parallel; `stop()` of the result also closes the host.
 *
 * @example
 * ```ts
 * const pipeline = await wirePipeline({ port: 0, quiet: true }, await startEmulatorHost());
 * await pipeline.stop(); // the emulators too
 * ```
 */
export async function wirePipeline(options: PipelineOptions, emulators: EmulatorHost): Promise<LocalPipeline> {
  const host = options.host ?? LOCAL_ADDRESS.host;
  const logLevel = options.logLevel ?? (options.quiet ? 'WARN' : 'INFO');
  // The stack's queue settings (the same function the stack uses), with the local visibility timeout.
  const queueInput = {
    processorTimeoutSeconds: options.settings?.processorTimeoutSeconds,
    maxReceiveCount: options.settings?.maxReceiveCount,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? LOCAL_DEFAULTS.visibilityTimeoutSeconds,
  };
  const queueConfig = queueSettings(queueInput);
  const amtGenerated = !options.amt;
  const amt = options.amt ?? generateDevAmt();
  const localLogger = createLocalLogger('local-pipeline', logLevel);
  const stats = createStatsCollector();
  const cleanups: Array<() => Promise<void>> = [() => emulators.close()];
  emulators.onCrash((error) => localLogger.error('The emulator host crashed; SQS and DynamoDB are down', { error }));

  const stop = async (): Promise<void> => {
    // Last started, first stopped; a failing step must not keep the others running.
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop()!;
      await cleanup().catch((error: unknown) => localLogger.warn('Cleanup step failed', { error }));
    }
  };

  try {
    const sqsEndpoint = emulators.sqs.endpoint;
    const adminSqs = createLocalSqsClient(sqsEndpoint);
    cleanups.push(async () => adminSqs.destroy());
    const adminDynamo = createLocalDynamoClient(emulators.dynamo.endpoint);
    cleanups.push(async () => adminDynamo.destroy());
    const [queues] = await Promise.all([
      createPipelineQueues(adminSqs, queueInput),
      createProcessorTables(adminDynamo, {
        idempotencyTableName: LOCAL_DEFAULTS.idempotencyTableName,
        vehicleStateTableName: LOCAL_DEFAULTS.vehicleStateTableName,
      }),
    ]);

    // The functions' clients are the Lambda's (same factories), so an outage answers as fast.
    const receiverSqs = createReceiverSqsClient(localSqsConnection(sqsEndpoint));
    cleanups.push(async () => receiverSqs.destroy());
    const processorDynamo = createProcessorDynamoClient(localDynamoConnection(emulators.dynamo.endpoint));
    cleanups.push(async () => processorDynamo.destroy());
    const receiver = createReceiverHandler({
      queueUrl: queues.queueUrl,
      sqs: receiverSqs,
      amt: staticAmtProvider({ current: amt }),
      logger: createLocalLogger(SERVICE.RECEIVER, logLevel),
      metrics: createLocalMetrics(SERVICE.RECEIVER),
      errorCallbackPath: ROUTES.ERROR_PATH,
      deliveryToleranceSeconds: options.settings?.deliveryToleranceSeconds,
      onOutcome: stats.onReceiverOutcome,
    });

    const processor = createProcessorHandler({
      logger: createLocalLogger(SERVICE.PROCESSOR, logLevel),
      metrics: createLocalMetrics(SERVICE.PROCESSOR),
      dynamodb: processorDynamo,
      idempotencyTableName: LOCAL_DEFAULTS.idempotencyTableName,
      vehicleStateTableName: LOCAL_DEFAULTS.vehicleStateTableName,
      maxReceiveCount: queueConfig.maxReceiveCount,
      ...(options.handlers ? { handlers: options.handlers } : {}),
      // Lambda retries a fully failed batch because the handler throws; the poller needs the list.
      throwOnFullBatchFailure: false,
      onOutcome: stats.onProcessorOutcome,
    });
    const pollerSqs = createLocalSqsClient(sqsEndpoint);
    cleanups.push(async () => pollerSqs.destroy());
    const poller = createPoller({
      sqs: pollerSqs,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      handler: (event, context) => processor(event, context),
      logger: localLogger,
      waitTimeSeconds: options.waitTimeSeconds ?? LOCAL_DEFAULTS.waitTimeSeconds,
      concurrency: options.pollerConcurrency ?? LOCAL_DEFAULTS.pollerConcurrency,
      // In AWS the visibility timeout outlasts the function timeout; keep that true locally.
      timeoutSeconds: Math.min(queueConfig.processorTimeoutSeconds, queueConfig.visibilityTimeoutSeconds),
    });
    poller.start();
    cleanups.push(() => poller.stop());

    const refreshStats = async (): Promise<LocalStats> => {
      try {
        const [queued, dlq] = await Promise.all([
          queueDepth(adminSqs, queues.queueUrl),
          queueDepth(adminSqs, queues.deadLetterQueueUrl),
        ]);
        stats.setDepths({ queued, dlq });
      } catch {
        // SQS is down (maybe on purpose): keep the last known depths.
      }
      return stats.snapshot();
    };
    const timer = setInterval(() => void refreshStats(), LOCAL_DEFAULTS.statsIntervalMs);
    timer.unref();
    cleanups.push(async () => clearInterval(timer));

    const readStatus = createIdempotencyStatusReader({ dynamodb: adminDynamo, tableName: LOCAL_DEFAULTS.idempotencyTableName });
    let endpoints: LocalEndpoints | undefined;
    const http: LocalHttpServer = await startLocalHttpServer({
      host,
      port: options.port ?? LOCAL_ADDRESS.port,
      routes: [ROUTES.DATA_PATH, ROUTES.ERROR_PATH],
      invoke: (event) => receiver(event),
      getJson: {
        [LOCAL_PATHS.STATS]: () => refreshStats(),
        [LOCAL_PATHS.ENDPOINTS]: () => endpoints,
      },
      getJsonById: {
        [LOCAL_PATHS.DELIVERIES]: async (eventId: string): Promise<LocalDeliveryStatus | undefined> => {
          const status = await readStatus(eventId);
          return status && { eventId, status };
        },
      },
      logger: localLogger,
    });
    cleanups.push(() => http.close());

    endpoints = {
      url: http.url,
      webhookUrl: `${http.url}${ROUTES.DATA_PATH}`,
      errorCallbackUrl: `${http.url}${ROUTES.ERROR_PATH}`,
      sqsEndpoint,
      dynamoEndpoint: emulators.dynamo.endpoint,
      region: LOCAL_REGION,
      ...queues,
    };
    await refreshStats();

    return {
      url: endpoints.url,
      webhookUrl: endpoints.webhookUrl,
      errorCallbackUrl: endpoints.errorCallbackUrl,
      amt,
      amtGenerated,
      endpoints,
      sqsClient: adminSqs,
      stats: () => stats.snapshot(),
      refreshStats,
      waitFor: async (predicate, timeoutMs = 15_000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const current = await refreshStats();
          if (predicate(current)) return current;
          if (Date.now() >= deadline) {
            throw new Error(`Timed out after ${timeoutMs} ms waiting for the pipeline; last stats: ${JSON.stringify(current)}`);
          }
          await sleep(100);
        }
      },
      sqsEmulator: emulators.sqs,
      dynamoEmulator: emulators.dynamo,
      poller,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
