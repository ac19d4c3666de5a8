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

/** The S3 client module. */
export type S3Module = typeof import('@aws-sdk/client-s3');

/**
 * The S3 module, loaded on first use, so a container that never quarantines never loads it (a
 * few tens of ms of cold start). In the CommonJS bundle Lambda runs, `require` finds the
 * runtime's SDK (through `NODE_PATH`, which an ESM `import()` ignores); run as ESM (tests,
 * `npm start`), the dynamic import does.
 *
 * @example
 * ```ts
 * const { PutObjectCommand } = await loadS3Module();
 * ```
 */
export async function loadS3Module(): Promise<S3Module> {
  return typeof require === 'function'
    ? (require('@aws-sdk/client-s3') as S3Module)
    : await import('@aws-sdk/client-s3');
}

/**
 * The receiver's S3 client, for the quarantine only: {@link S3_CLIENT_SETTINGS} with timeouts
 * that throw, from {@link loadS3Module}.
 *
 * @example
 * ```ts
 * const s3 = await loadReceiverS3Client();
 * ```
 */
export async function loadReceiverS3Client(connection: SdkClientConnection = {}): Promise<S3Client> {
  const { S3Client } = await loadS3Module();
  return new S3Client(sdkClientConfig(S3_CLIENT_SETTINGS, connection));
}
