import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import { GetQueueAttributesCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import type { SdkClientConnection } from '../../lambda/core/sdk-client.ts';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from './constants.ts';

/** The SDK's default socket pool per client (`NodeHttpHandler`). */
const SDK_MAX_SOCKETS = 50;

/** Resolves every hostname to 127.0.0.1 (see {@link createLocalSqsClient}). */
const loopbackLookup: LookupFunction = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

/**
 * Where a client reaches the local SQS emulator. Queue URLs the emulator hands out use the host
 * `sqs.<region>.localhost`, which not every machine resolves, so the agent sends every hostname
 * to 127.0.0.1 (scoped to this agent: no global DNS patch).
 *
 * Connections are kept alive as with the SDK's default handler (and so in Lambda): fauxqs'
 * `createLocalhostHandler()` does the same lookup on an agent without keep-alive, which opens
 * a TCP connection per request and cost the local intake a sizeable share of its CPU.
 *
 * @example
 * ```ts
 * const receiverSqs = createReceiverSqsClient(localSqsConnection(emulator.endpoint)); // the Lambda's settings
 * ```
 */
export function localSqsConnection(endpoint: string): SdkClientConnection & { httpAgent: Agent } {
  return {
    endpoint,
    region: LOCAL_REGION,
    credentials: EMULATOR_CREDENTIALS,
    httpAgent: new Agent({ keepAlive: true, maxSockets: SDK_MAX_SOCKETS, lookup: loopbackLookup }),
  };
}

/**
 * An SQS client for the local emulator ({@link localSqsConnection}), for the pipeline's own work
 * (queues, polling, stats): no request timeout, since ReceiveMessage long-polls. The receiver's
 * client is built by the receiver's `createReceiverSqsClient`.
 *
 * @example
 * ```ts
 * const sqs = createLocalSqsClient(emulator.endpoint);
 * await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: '{}' }));
 * ```
 */
export function createLocalSqsClient(
  endpoint: string,
  config: Omit<SQSClientConfig, 'requestHandler' | 'endpoint'> = {},
): SQSClient {
  const { httpAgent, ...connection } = localSqsConnection(endpoint);
  return new SQSClient({ ...connection, ...config, requestHandler: { httpAgent }, endpoint });
}

/**
 * Messages in a queue: visible plus in flight (received, not yet deleted).
 *
 * @example
 * ```ts
 * const inDlq = await queueDepth(sqs, queues.deadLetterQueueUrl);
 * ```
 */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}
