import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { overrideProps } from '../override-props.ts';
import { queueEncryption } from './encryption-props.ts';
import type { QueueSettings } from './queue-settings.ts';

/** What {@link processingQueues} builds the two queues from. */
export interface ProcessingQueuesOptions {
  /** Retention, visibility timeout, message size and receive count, as `queueSettings` derives them. */
  readonly settings: QueueSettings;
  /** What happens to both queues when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** Customer managed key of both queues. @default - SSE-SQS */
  readonly encryptionKey?: IKey;
  /** Queue props merged over the main queue's (its DLQ stays this one). @default - none */
  readonly queueProps?: Partial<Omit<QueueProps, 'deadLetterQueue'>>;
  /** Queue props merged over the DLQ's. @default - none */
  readonly deadLetterQueueProps?: Partial<QueueProps>;
}

/**
 * The main queue and its DLQ, created in the caller's scope (`Processing`) under the ids they
 * always had, so their logical ids stay: both encrypted and TLS-only with the derived message
 * size; the main queue's redrive policy moves a record to the DLQ after `maxReceiveCount` receives.
 *
 * @example
 * ```ts
 * const { queue, deadLetterQueue } = processingQueues(this, { settings, removalPolicy: RemovalPolicy.DESTROY });
 * ```
 */
export function processingQueues(
  scope: Construct,
  { settings, removalPolicy, encryptionKey, queueProps, deadLetterQueueProps }: ProcessingQueuesOptions,
): { queue: Queue; deadLetterQueue: Queue } {
  const secureQueue = {
    ...queueEncryption(encryptionKey),
    enforceSSL: true,
    maxMessageSizeBytes: settings.maxMessageSizeBytes,
    removalPolicy,
  };
  const deadLetterQueue = new Queue(
    scope,
    'DeadLetterQueue',
    overrideProps(
      { ...secureQueue, retentionPeriod: Duration.seconds(settings.deadLetterRetentionSeconds) },
      deadLetterQueueProps,
    ),
  );
  Validations.of(deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This is the dead-letter queue; a DLQ of a DLQ would only move the problem.',
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason: 'This is the dead-letter queue; its messages are redriven to the main queue by an operator.',
  });

  const queue = new Queue(scope, 'Queue', {
    ...overrideProps(
      {
        ...secureQueue,
        retentionPeriod: Duration.seconds(settings.retentionSeconds),
        visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
      },
      queueProps,
    ),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}
