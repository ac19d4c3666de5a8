import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { queueArn } from '../bin/cli/queue-arn.ts';
import {
  deadLetterQueueAttributes,
  mainQueueAttributes,
  type QueueSettingsInput,
  queueSettings,
} from '../lib/constructs/queue-settings.ts';
import { LOCAL_DEFAULTS } from './constants.ts';
import type { LocalQueues } from './types.ts';

/**
 * Creates the main queue and its DLQ with the stack's queue settings (`queueSettings`, the one
 * function `lib/constructs/processing.ts` uses too): the same maxReceiveCount, retention and
 * message size; only the visibility timeout is local (seconds, so a failing event reaches the DLQ
 * quickly) unless given.
 *
 * @example
 * ```ts
 * const queues = await createPipelineQueues(sqs, { visibilityTimeoutSeconds: 2 });
 * queues.queueUrl; queues.deadLetterQueueArn;
 * ```
 */
export async function createPipelineQueues(
  sqs: SQSClient,
  options: QueueSettingsInput & { queueName?: string; deadLetterQueueName?: string } = {},
): Promise<LocalQueues> {
  const settings = queueSettings({
    ...options,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? LOCAL_DEFAULTS.visibilityTimeoutSeconds,
  });
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: options.deadLetterQueueName ?? LOCAL_DEFAULTS.deadLetterQueueName,
      Attributes: deadLetterQueueAttributes(settings),
    }),
  );
  const deadLetterQueueUrl = required(dlq.QueueUrl, 'DLQ URL');
  const deadLetterQueueArn = await queueArn(sqs, deadLetterQueueUrl);
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: options.queueName ?? LOCAL_DEFAULTS.queueName,
      Attributes: mainQueueAttributes(settings, deadLetterQueueArn),
    }),
  );
  const queueUrl = required(main.QueueUrl, 'queue URL');
  return { queueUrl, queueArn: await queueArn(sqs, queueUrl), deadLetterQueueUrl, deadLetterQueueArn };
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`The SQS emulator returned no ${what}`);
  return value;
}
