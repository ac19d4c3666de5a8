import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROUTES, SERVICE } from '../lambda/core/constants.ts';
import { createIdempotencyStatusReader } from '../lambda/processor/idempotency.ts';
import { createReceiverSqsClient } from '../lambda/receiver/clients.ts';
import { createReceiverHandler } from '../lambda/receiver/receiver.ts';
import { staticAmtProvider } from '../lambda/receiver/signature-check.ts';
import { queueSettings } from '../lib/constructs/queue-settings.ts';
import { generateDevAmt } from './api/amt.ts';
import { LOCAL_ADDRESS, LOCAL_PATHS, LOCAL_REGION } from './api/constants.ts';
import { LocalQuarantineStore } from './api/quarantine-store.ts';
import { createLocalSqsClient, localSqsConnection, queueDepth } from './api/sqs-client.ts';
import type { LocalEndpoints, LocalStats } from './api/types.ts';
import { archiveDirOf } from './archive-wiring.ts';
import { createConsoleApi } from './console/console-api.ts';
import { createDeliveryLog } from './console/delivery-log.ts';
import { archiveCopyDelivery, archiveCopyId, createDeliveryRecorder } from './console/delivery-recorder.ts';
import { createMetricSeriesStore } from './console/metric-series.ts';
import { LOCAL_DEFAULTS } from './constants.ts';
import { createLocalDynamoClient, createProcessorTables } from './dynamo.ts';
import type { EmulatorHost } from './emulator-host/types.ts';
import { type LocalHttpServer, startLocalHttpServer } from './http-server.ts';
import { readJsonFile, writeJsonFile } from './json-file.ts';
import { createPoller } from './poller.ts';
import { createLocalLogger, createLocalMetrics } from './powertools.ts';
import { startProcessorRuntime } from './processor-host/start-runtime.ts';
import { restoreQueues, saveQueues } from './queue-snapshot.ts';
import { createPipelineQueues } from './sqs.ts';
import { createStatsCollector } from './stats.ts';
import { createProcessorLineSorter, formatDeliveryLine, formatRecordLine, formatReload } from './terminal-output.ts';
import type { LocalPipeline, PipelineOptions } from './types.ts';

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
    const snapshotFile = options.dataDir ? join(options.dataDir, LOCAL_DEFAULTS.queueSnapshotFile) : undefined;
    const restored = snapshotFile ? await restoreQueues(adminSqs, queues, snapshotFile) : undefined;

    // The functions' clients are the Lambda's (same factories), so an outage answers as fast.
    // `serviceEndpoint` may put a fault proxy between a function and its emulator (`npm run simulate`).
    const endpointFor = options.serviceEndpoint ?? ((_service: string, endpoint: string) => endpoint);
    const receiverSqs = createReceiverSqsClient(localSqsConnection(await endpointFor('sqs', sqsEndpoint)));
    cleanups.push(async () => receiverSqs.destroy());
    const write = options.output ?? (() => undefined);
    const deliveriesFile = options.dataDir ? join(options.dataDir, LOCAL_DEFAULTS.deliveriesLogFile) : undefined;
    const deliveries = createDeliveryLog(undefined, deliveriesFile ? await readJsonFile(deliveriesFile) : undefined);
    const charts = createMetricSeriesStore();
    const recorder = createDeliveryRecorder((delivery) => {
      deliveries.addDelivery(delivery);
      charts.addLocal('requests', 1);
      if (delivery.statusCode >= 400) charts.addLocal(delivery.statusCode >= 500 ? '5xx' : '4xx', 1);
      write(formatDeliveryLine(delivery));
    });
    // The stand-in for the bucket's quarantine/ prefix: <dataDir>/quarantine, or memory.
    const quarantine = new LocalQuarantineStore(options.dataDir ? resolve(options.dataDir) : undefined);
    const receiver = createReceiverHandler({
      queueUrl: queues.queueUrl,
      sqs: receiverSqs,
      amt: staticAmtProvider({ current: amt }),
      quarantine,
      // The per-delivery line says what INFO would; errors still come in full.
      logger: createLocalLogger(SERVICE.RECEIVER, options.verbose || !options.output ? logLevel : 'ERROR'),
      metrics: createLocalMetrics(SERVICE.RECEIVER, (emf) => charts.addEmf(emf)),
      errorCallbackPath: ROUTES.ERROR_PATH,
      deliveryToleranceSeconds: options.settings?.deliveryToleranceSeconds,
      ...(options.receiverClock ? { now: options.receiverClock } : {}),
      onOutcome: (outcome) => {
        stats.onReceiverOutcome(outcome);
        recorder.onOutcome(outcome);
      },
    });

    const archiveDir = archiveDirOf(options);
    const processor = await startProcessorRuntime({
      dynamoEndpoint: await endpointFor('dynamodb', emulators.dynamo.endpoint),
      logLevel,
      maxReceiveCount: queueConfig.maxReceiveCount,
      ...(options.settings?.futureToleranceSeconds !== undefined
        ? { futureToleranceSeconds: options.settings.futureToleranceSeconds }
        : {}),
      hotReload: options.hotReload ?? false,
      ...(options.handlers ? { handlers: options.handlers } : {}),
      ...(archiveDir ? { archiveDir, onArchived: (count: number) => stats.onArchived(count) } : {}),
      ...(options.handlersModule ? { handlersModule: options.handlersModule } : {}),
      onRecord: (outcome) => {
        stats.onProcessorOutcome(outcome);
        // A copy from a deployed stack's archive is listed as a delivery of its own, marked as such.
        if (outcome.fromArchive && outcome.eventId && !deliveries.delivery(archiveCopyId(outcome)))
          deliveries.addDelivery(archiveCopyDelivery({ ...outcome, fromArchive: outcome.fromArchive }));
        deliveries.addOutcome(outcome);
        write(formatRecordLine(outcome, queueConfig.maxReceiveCount));
      },
      onLine: createProcessorLineSorter({
        verbose: options.verbose ?? false,
        write: options.output ?? ((text) => process.stdout.write(text)),
        onEmf: (emf) => charts.addEmf(emf),
      }),
      onEmf: (emf) => charts.addEmf(emf),
      onReload: (report) => write(formatReload(report)),
    });
    cleanups.push(() => processor.close());
    if (snapshotFile) {
      // Runs once the poller has stopped (cleanups run last first), before the emulators close.
      cleanups.push(async () => {
        const saved = await saveQueues(
          adminSqs,
          queues,
          snapshotFile,
          (queueConfig.visibilityTimeoutSeconds + 1) * 1000,
        );
        if (deliveriesFile) await writeJsonFile(deliveriesFile, deliveries.snapshot());
        write(`Saved ${saved.main} queued and ${saved.dlq} DLQ message(s) to ${snapshotFile}\n`);
      });
    }
    const pollerSqs = createLocalSqsClient(sqsEndpoint);
    cleanups.push(async () => pollerSqs.destroy());
    const poller = createPoller({
      sqs: pollerSqs,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      handler: (event, context) => processor.invoke(event, context),
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
        charts.addLocal('queued', queued);
        charts.addLocal('dlq', dlq);
      } catch {
        // SQS is down (maybe on purpose): keep the last known depths.
      }
      return stats.snapshot();
    };
    const timer = setInterval(() => void refreshStats(), LOCAL_DEFAULTS.statsIntervalMs);
    timer.unref();
    cleanups.push(async () => clearInterval(timer));

    const readStatus = createIdempotencyStatusReader({
      dynamodb: adminDynamo,
      tableName: LOCAL_DEFAULTS.idempotencyTableName,
    });
    const consoleToken = randomBytes(16).toString('hex');
    let endpoints: LocalEndpoints | undefined;
    const http: LocalHttpServer = await startLocalHttpServer({
      host,
      port: options.port ?? LOCAL_ADDRESS.port,
      routes: [ROUTES.DATA_PATH, ROUTES.ERROR_PATH],
      ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
      invoke: recorder.wrap((event) => receiver(event)),
      getJson: {
        [LOCAL_PATHS.STATS]: () => refreshStats(),
        [LOCAL_PATHS.ENDPOINTS]: () => endpoints,
      },
      handleLocal: createConsoleApi({
        token: consoleToken,
        port: () => http.port,
        deliveries,
        readStatus,
        processor: () => processor.state(),
        metrics: () => charts.charts(),
        dlq: {
          sqs: adminSqs,
          queueUrl: queues.queueUrl,
          deadLetterQueueUrl: queues.deadLetterQueueUrl,
          supportsMoveTask: false,
        },
        quarantine: { store: quarantine, sqs: adminSqs, queueUrl: queues.queueUrl },
        send: () => ({ amt, url: http.url }),
      }),
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
      ...(archiveDir ? { archiveDir } : {}),
      ...(quarantine.dataDir ? { quarantineDataDir: quarantine.dataDir } : {}),
    };
    await refreshStats();

    return {
      url: endpoints.url,
      webhookUrl: endpoints.webhookUrl,
      errorCallbackUrl: endpoints.errorCallbackUrl,
      amt,
      amtGenerated,
      consoleToken,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(restored ? { restored: { ...restored, file: snapshotFile! } } : {}),
      processorState: () => processor.state(),
      quarantine,
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
            throw new Error(
              `Timed out after ${timeoutMs} ms waiting for the pipeline; last stats: ${JSON.stringify(current)}`,
            );
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
