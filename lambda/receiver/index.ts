import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DEFAULT_METRICS_NAMESPACE, ENV, SERVICE } from '../core/constants.ts';
import { CompactLogFormatter } from '../core/log-formatter.ts';
import { createReceiverSecretsClient, createReceiverSqsClient } from './clients.ts';
import { loadReceiverConfig } from './config.ts';
import { createS3QuarantineStore } from './persist-delivery.ts';
import { createReceiverHandler } from './receiver.ts';
import { createSecretsManagerAmtProvider } from './signature-check.ts';

// Everything below runs once per container. Endpoints come from the SDK's usual configuration
// (AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_SECRETS_MANAGER, ...), so local runs need no code.
const config = loadReceiverConfig(process.env);

const logger = new Logger({
  serviceName: SERVICE.RECEIVER,
  logFormatter: new CompactLogFormatter(),
});

const metrics = new Metrics({
  namespace: process.env[ENV.METRICS_NAMESPACE] || DEFAULT_METRICS_NAMESPACE,
  serviceName: SERVICE.RECEIVER,
});
metrics.setThrowOnEmptyMetrics(false);

const sqs = createReceiverSqsClient();
const secrets = createReceiverSecretsClient();

/**
 * The receiver Lambda's entry point (the `NodejsFunction` default export name `handler`), for an
 * HTTP API (payload 2.0) or REST API (1.0) proxy integration, or a Lambda Function URL.
 *
 * @example
 * ```ts
 * // lib/: new NodejsFunction(this, 'Receiver', { entry: 'lambda/receiver/index.ts', environment: { QUEUE_URL, AMT_SECRET_ID } });
 * const result = await handler(apiGatewayEvent);
 * ```
 */
export const handler = createReceiverHandler({
  queueUrl: config.queueUrl,
  sqs,
  amt: createSecretsManagerAmtProvider({
    secretId: config.amtSecretId,
    client: secrets,
    cacheSeconds: config.amtCacheSeconds,
    logger,
  }),
  quarantine: createS3QuarantineStore({ bucket: config.quarantineBucketName }),
  logger,
  metrics,
  maxBodyBytes: config.maxBodyBytes,
  errorCallbackPath: config.errorCallbackPath,
  deliveryToleranceSeconds: config.deliveryToleranceSeconds,
});
