import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DEFAULT_METRICS_NAMESPACE, ENV, SERVICE } from '../core/constants.ts';
import { CompactLogFormatter } from '../core/log-formatter.ts';
import { createArchiveFirehoseClient } from './archive/clients.ts';
import { createFirehoseArchiveWriter } from './archive/firehose-writer.ts';
import { createProcessorDynamoClient } from './clients.ts';
import { loadProcessorConfig } from './config.ts';
import { createProcessorHandler } from './processor.ts';
import { redactPersonalData } from './redact.ts';

// Built once per container: clients, config and handler are reused across invocations.
const config = loadProcessorConfig(process.env);
const logger = new Logger({
  serviceName: process.env[ENV.SERVICE_NAME] || SERVICE.PROCESSOR,
  jsonReplacerFn: redactPersonalData,
  logFormatter: new CompactLogFormatter(),
});
const metrics = new Metrics({
  namespace: process.env[ENV.METRICS_NAMESPACE] || DEFAULT_METRICS_NAMESPACE,
  serviceName: process.env[ENV.SERVICE_NAME] || SERVICE.PROCESSOR,
});
// One client for the stores and Powertools Idempotency, with timeouts that throw (see clients.ts).
const dynamodb = createProcessorDynamoClient();
// Every batch is archived through Firehose before its handlers run, unless the stack has no archive.
const archive = config.archiveStreamName
  ? createFirehoseArchiveWriter({
      firehose: createArchiveFirehoseClient(),
      deliveryStreamName: config.archiveStreamName,
    })
  : undefined;

/**
 * The processor Lambda: SQS event in, partial batch response out. See `createProcessorHandler`.
 *
 * @example
 * ```ts
 * // CDK: new NodejsFunction(this, 'Processor', { entry: 'lambda/processor/index.ts', handler: 'handler' });
 * ```
 */
export const handler = createProcessorHandler({ ...config, logger, metrics, dynamodb, archive });
