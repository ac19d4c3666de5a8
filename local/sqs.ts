import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SQSClient,
  type SQSClientConfig,
} from '@aws-sdk/client-sqs';
import { PIPELINE_DEFAULTS } from '../lambda/core/constants.ts';
import type { SdkClientConnection } from '../lambda/core/sdk-client.ts';
import { EMULATOR_CREDENTIALS, LOCAL_DEFAULTS } from './constants.ts';
import type { LocalQueues } from './types.ts';

const DAY_SECONDS = 24 * 60 * 60;
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
    region: LOCAL_DEFAULTS.region,
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
 * Creates the main queue and its DLQ with the stack's redrive settings: the same
 * maxReceiveCount, retention and message size; only the visibility timeout is local.
 *
 * @example
 * ```ts
 * const queues = await createPipelineQueues(sqs, { visibilityTimeoutSeconds: 2 });
 * queues.queueUrl; queues.deadLetterQueueArn;
 * ```
 */
export async function createPipelineQueues(
  sqs: SQSClient,
  options: { visibilityTimeoutSeconds?: number; queueName?: string; deadLetterQueueName?: string } = {},
): Promise<LocalQueues> {
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: options.deadLetterQueueName ?? LOCAL_DEFAULTS.deadLetterQueueName,
      Attributes: {
        MessageRetentionPeriod: String(PIPELINE_DEFAULTS.dlqRetentionDays * DAY_SECONDS),
        MaximumMessageSize: String(PIPELINE_DEFAULTS.maxMessageSizeBytes),
      },
    }),
  );
  const deadLetterQueueUrl = required(dlq.QueueUrl, 'DLQ URL');
  const deadLetterQueueArn = await queueArn(sqs, deadLetterQueueUrl);
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: options.queueName ?? LOCAL_DEFAULTS.queueName,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? LOCAL_DEFAULTS.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(PIPELINE_DEFAULTS.queueRetentionDays * DAY_SECONDS),
        MaximumMessageSize: String(PIPELINE_DEFAULTS.maxMessageSizeBytes),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetterQueueArn,
          maxReceiveCount: PIPELINE_DEFAULTS.maxReceiveCount,
        }),
      },
    }),
  );
  const queueUrl = required(main.QueueUrl, 'queue URL');
  return { queueUrl, queueArn: await queueArn(sqs, queueUrl), deadLetterQueueUrl, deadLetterQueueArn };
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
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return required(Attributes?.QueueArn, 'queue ARN');
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`The SQS emulator returned no ${what}`);
  return value;
}
