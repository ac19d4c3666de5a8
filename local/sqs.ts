import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { PIPELINE_DEFAULTS } from '../lambda/core/constants.ts';
import { queueArn } from '../bin/cli/queue-arn.ts';
import { LOCAL_DEFAULTS } from './constants.ts';
import type { LocalQueues } from './types.ts';

const DAY_SECONDS = 24 * 60 * 60;

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

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`The SQS emulator returned no ${what}`);
  return value;
}
