import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DEFAULT_METRICS_NAMESPACE, ENV, SERVICE } from '../core/constants.ts';
import { CompactLogFormatter } from '../core/log-formatter.ts';
import { createFirehoseArchiveWriter } from './archive.ts';
import { createArchiveFirehoseClient, createProcessorDynamoClient } from './clients.ts';
import { loadProcessorConfig } from './config.ts';
import { createProcessorHandler, type ProcessorHandler } from './processor.ts';
import { redactPersonalData } from './redact.ts';
import type { HandlerOverrides, ProcessorDependencies } from './types.ts';

/** Options of {@link createProcessor}: your handlers, and what a test may replace. */
export interface CreateProcessorOptions {
  /**
   * Your business handler of each event type, merged over the example handlers of
   * `lambda/processor/handlers/`. A key beyond `EVENT_TYPES` adds that event type (its event
   * arrives untyped; list it in the construct's `eventTypes` too).
   * @default the example handlers
   */
  readonly handlers?: HandlerOverrides;
  /**
   * Where the settings are read: the table names, the archive stream, `maxReceiveCount`, the
   * TTLs, the metrics namespace and the service name, as `SmartcarWebhookReceiver` sets them.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default a Powertools Logger that redacts VINs and locations */
  readonly logger?: ProcessorDependencies['logger'];
  /** @default Powertools Metrics in the construct's namespace */
  readonly metrics?: ProcessorDependencies['metrics'];
}

/**
 * The processor Lambda's handler, built from the environment the construct sets: the DynamoDB
 * client, Powertools Idempotency, the vehicle stores, the Firehose archive (every record is
 * archived before any handler runs), `maxReceiveCount`, the logger and the metrics. Your file
 * gives the handlers and nothing else, so no setting of the construct can be forgotten on the way.
 * Built once per container; a missing or malformed setting throws at cold start.
 *
 * @throws ProcessorConfigError at cold start: a table name missing, a number malformed.
 * @example
 * ```ts
 * import { createProcessor } from 'smartcar-webhook-receiver/processor';
 *
 * export const handler = createProcessor({
 *   handlers: {
 *     VEHICLE_STATE: async (event, { logger }) => {
 *       logger.info('signals', { codes: event.signals.map((signal) => signal.code) });
 *     },
 *   },
 * });
 * ```
 */
export function createProcessor(options: CreateProcessorOptions = {}): ProcessorHandler {
  const env = options.env ?? process.env;
  const config = loadProcessorConfig(env);
  const serviceName = env[ENV.SERVICE_NAME] || SERVICE.PROCESSOR;
  const logger =
    options.logger ??
    new Logger({ serviceName, jsonReplacerFn: redactPersonalData, logFormatter: new CompactLogFormatter() });
  const metrics =
    options.metrics ?? new Metrics({ namespace: env[ENV.METRICS_NAMESPACE] || DEFAULT_METRICS_NAMESPACE, serviceName });
  // Every batch is archived through Firehose before its handlers run, unless the stack has no archive.
  const archive = config.archiveStreamName
    ? createFirehoseArchiveWriter({
        firehose: createArchiveFirehoseClient(),
        deliveryStreamName: config.archiveStreamName,
      })
    : undefined;
  return createProcessorHandler({
    ...config,
    logger,
    metrics,
    // One client for the stores and Powertools Idempotency, with timeouts that throw (see clients.ts).
    dynamodb: createProcessorDynamoClient(),
    archive,
    env,
    ...(options.handlers ? { handlers: options.handlers } : {}),
  });
}
