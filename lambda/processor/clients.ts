import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { type SdkClientConnection, sdkClientConfig } from '../core/sdk-client.ts';
import { DYNAMODB_CLIENT_SETTINGS, FIREHOSE_CLIENT_SETTINGS } from './constants.ts';

/**
 * The processor's DynamoDB client: {@link DYNAMODB_CLIENT_SETTINGS} with timeouts that throw.
 * The same client serves the vehicle stores and Powertools Idempotency, so one hung call fails
 * its record instead of eating the invocation. The Lambda entry, the local pipeline and the
 * hanging-endpoint tests all build it here.
 *
 * @example
 * ```ts
 * const dynamodb = createProcessorDynamoClient(); // in Lambda: endpoint and credentials from the environment
 * ```
 */
export function createProcessorDynamoClient(connection: SdkClientConnection = {}): DynamoDBClient {
  return new DynamoDBClient(sdkClientConfig(DYNAMODB_CLIENT_SETTINGS, connection));
}

/**
 * The processor's Firehose client: {@link FIREHOSE_CLIENT_SETTINGS} with timeouts that throw, so
 * a hung stream fails its records back to SQS instead of eating the invocation.
 *
 * @example
 * ```ts
 * const firehose = createArchiveFirehoseClient(); // in Lambda: endpoint and credentials from the environment
 * ```
 */
export function createArchiveFirehoseClient(connection: SdkClientConnection = {}): FirehoseClient {
  return new FirehoseClient(sdkClientConfig(FIREHOSE_CLIENT_SETTINGS, connection));
}
