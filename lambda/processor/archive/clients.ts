import { FirehoseClient } from '@aws-sdk/client-firehose';
import { type SdkClientConnection, sdkClientConfig } from '../../core/sdk-client.ts';
import { FIREHOSE_CLIENT_SETTINGS } from './constants.ts';

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
