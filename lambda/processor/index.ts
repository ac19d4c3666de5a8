import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_METRICS_NAMESPACE, ENV, SERVICE } from '../core/constants.ts';
import { loadProcessorConfig } from './config.ts';
import { createProcessorHandler } from './processor.ts';
import { redactPersonalData } from './redact.ts';

// Built once per container: clients, config and handler are reused across invocations.
const config = loadProcessorConfig(process.env);
const logger = new Logger({
  serviceName: process.env[ENV.SERVICE_NAME] || SERVICE.PROCESSOR,
  jsonReplacerFn: redactPersonalData,
});
const metrics = new Metrics({
  namespace: process.env[ENV.METRICS_NAMESPACE] || DEFAULT_METRICS_NAMESPACE,
  serviceName: process.env[ENV.SERVICE_NAME] || SERVICE.PROCESSOR,
});
// Bounded timeouts so one hung DynamoDB call fails its record instead of eating the invocation.
const dynamodb = new DynamoDBClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 } });

/**
 * The processor Lambda: SQS event in, partial batch response out. See `createProcessorHandler`.
 *
 * @example
 * ```ts
 * // CDK: new NodejsFunction(this, 'Processor', { entry: 'lambda/processor/index.ts', handler: 'handler' });
 * ```
 */
export const handler = createProcessorHandler({ ...config, logger, metrics, dynamodb });
