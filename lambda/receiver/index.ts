import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_METRICS_NAMESPACE, ENV, SERVICE } from '../core/constants.ts';
import { createSecretsManagerAmtProvider } from './amt-provider.ts';
import { loadReceiverConfig } from './config.ts';
import { SECRETS_CLIENT_SETTINGS, SQS_CLIENT_SETTINGS } from './constants.ts';
import { createReceiverHandler } from './receiver.ts';

// Everything below runs once per container. Endpoints come from the SDK's usual configuration
// (AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_SECRETS_MANAGER, ...), so local runs need no code.
const config = loadReceiverConfig(process.env);

const logger = new Logger({
  serviceName: SERVICE.RECEIVER,
  logRecordOrder: ['level', 'message', 'code', 'status', 'eventType', 'eventId'],
});

const metrics = new Metrics({
  namespace: process.env[ENV.METRICS_NAMESPACE] || DEFAULT_METRICS_NAMESPACE,
  serviceName: SERVICE.RECEIVER,
});
metrics.setThrowOnEmptyMetrics(false);

const sqs = new SQSClient({
  maxAttempts: SQS_CLIENT_SETTINGS.maxAttempts,
  requestHandler: {
    connectionTimeout: SQS_CLIENT_SETTINGS.connectionTimeoutMs,
    requestTimeout: SQS_CLIENT_SETTINGS.requestTimeoutMs,
  },
});

const secrets = new SecretsManagerClient({
  maxAttempts: SECRETS_CLIENT_SETTINGS.maxAttempts,
  requestHandler: {
    connectionTimeout: SECRETS_CLIENT_SETTINGS.connectionTimeoutMs,
    requestTimeout: SECRETS_CLIENT_SETTINGS.requestTimeoutMs,
  },
});

/**
 * The receiver Lambda's entry point (the `NodejsFunction` default export name `handler`), for an
 * HTTP API (payload 2.0) or REST API (1.0) proxy integration.
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
  logger,
  metrics,
  maxBodyBytes: config.maxBodyBytes,
  errorCallbackPath: config.errorCallbackPath,
  deliveryToleranceSeconds: config.deliveryToleranceSeconds,
});
