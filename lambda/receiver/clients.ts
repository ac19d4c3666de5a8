import type { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type SdkClientConnection, sdkClientConfig } from '../core/sdk-client.ts';
import { S3_CLIENT_SETTINGS, SECRETS_CLIENT_SETTINGS, SQS_CLIENT_SETTINGS } from './constants.ts';

/**
 * The receiver's SQS client: {@link SQS_CLIENT_SETTINGS} with timeouts that throw. The Lambda
 * entry, the local pipeline and the hanging-endpoint tests all build it here.
 *
 * @example
 * ```ts
 * const sqs = createReceiverSqsClient(); // in Lambda: endpoint and credentials from the environment
 * const local = createReceiverSqsClient({ endpoint: 'http://127.0.0.1:4566', region: 'us-east-1' });
 * ```
 */
export function createReceiverSqsClient(connection: SdkClientConnection = {}): SQSClient {
  return new SQSClient(sdkClientConfig(SQS_CLIENT_SETTINGS, connection));
}

/**
 * The receiver's Secrets Manager client: {@link SECRETS_CLIENT_SETTINGS} with timeouts that throw.
 *
 * @example
 * ```ts
 * const secrets = createReceiverSecretsClient();
 * ```
 */
export function createReceiverSecretsClient(connection: SdkClientConnection = {}): SecretsManagerClient {
  return new SecretsManagerClient(sdkClientConfig(SECRETS_CLIENT_SETTINGS, connection));
}

/**
 * The receiver's S3 client, for the quarantine only: {@link S3_CLIENT_SETTINGS} with timeouts
 * that throw. Loaded with a dynamic import on the first quarantine, so a container that never
 * quarantines never loads the S3 module.
 *
 * @example
 * ```ts
 * const s3 = await loadReceiverS3Client();
 * ```
 */
export async function loadReceiverS3Client(connection: SdkClientConnection = {}): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  return new S3Client(sdkClientConfig(S3_CLIENT_SETTINGS, connection));
}
