import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * The ARN of the queue at `queueUrl` (`GetQueueAttributes`), on AWS or on the local emulator:
 * the local pipeline needs it for the DLQ's redrive policy, the DLQ CLI for a message move task.
 *
 * @throws Error when SQS answers without a `QueueArn`.
 * @example
 * ```ts
 * const deadLetterQueueArn = await queueArn(sqs, queues.deadLetterQueueUrl);
 * ```
 */
export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  if (!Attributes?.QueueArn) throw new Error(`SQS returned no QueueArn for ${queueUrl}`);
  return Attributes.QueueArn;
}
