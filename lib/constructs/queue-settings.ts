import { PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';

/**
 * The main queue's and the DLQ's settings, derived in one place for the stack
 * (`lib/constructs/processing.ts`) and the local pipeline (`local/sqs.ts`), so a
 * `-c maxReceiveCount=5` changes both alike. No runtime dependency: plain numbers.
 */

const DAY_SECONDS = 24 * 60 * 60;

/** What the queue settings depend on; every field defaults to the stack's default. */
export interface QueueSettingsInput {
  /**
   * The processor's timeout, in seconds.
   * @default PIPELINE_DEFAULTS.processorTimeoutSeconds (30)
   */
  readonly processorTimeoutSeconds?: number;
  /**
   * Receives before a message moves to the DLQ.
   * @default PIPELINE_DEFAULTS.maxReceiveCount (3)
   */
  readonly maxReceiveCount?: number;
  /**
   * The main queue's visibility timeout, in seconds, when not derived from the processor timeout:
   * the local pipeline shortens it so a failing event reaches the DLQ in seconds, not minutes.
   * @default processorTimeoutSeconds x PIPELINE_DEFAULTS.visibilityTimeoutMultiplier (6)
   */
  readonly visibilityTimeoutSeconds?: number;
}

/** Settings of the main queue and its DLQ, in seconds and bytes. */
export interface QueueSettings {
  /** The processor's timeout the visibility timeout protects. */
  readonly processorTimeoutSeconds: number;
  /** The main queue's visibility timeout. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the DLQ (the redrive policy). */
  readonly maxReceiveCount: number;
  /** The main queue's retention. */
  readonly retentionSeconds: number;
  /** The DLQ's retention. */
  readonly deadLetterRetentionSeconds: number;
  /** Largest message, both queues. */
  readonly maxMessageSizeBytes: number;
}

/**
 * The queue settings: visibility timeout six times the processor timeout (AWS guidance, so a
 * record is never redelivered while a slow batch still runs), the redrive after
 * `maxReceiveCount` receives, 4 days of retention on the main queue and 14 (the SQS maximum) on
 * the DLQ, 1 MiB messages.
 *
 * @example
 * ```ts
 * queueSettings({ maxReceiveCount: 5 });
 * // { processorTimeoutSeconds: 30, visibilityTimeoutSeconds: 180, maxReceiveCount: 5,
 * //   retentionSeconds: 345600, deadLetterRetentionSeconds: 1209600, maxMessageSizeBytes: 1048576 }
 * ```
 */
export function queueSettings(input: QueueSettingsInput = {}): QueueSettings {
  const processorTimeoutSeconds = input.processorTimeoutSeconds ?? PIPELINE_DEFAULTS.processorTimeoutSeconds;
  return {
    processorTimeoutSeconds,
    visibilityTimeoutSeconds:
      input.visibilityTimeoutSeconds ?? processorTimeoutSeconds * PIPELINE_DEFAULTS.visibilityTimeoutMultiplier,
    maxReceiveCount: input.maxReceiveCount ?? PIPELINE_DEFAULTS.maxReceiveCount,
    retentionSeconds: PIPELINE_DEFAULTS.queueRetentionDays * DAY_SECONDS,
    deadLetterRetentionSeconds: PIPELINE_DEFAULTS.dlqRetentionDays * DAY_SECONDS,
    maxMessageSizeBytes: PIPELINE_DEFAULTS.maxMessageSizeBytes,
  };
}

/**
 * The DLQ's settings as SQS `CreateQueue` attributes, for an emulator or a script that creates
 * the queues itself (create it first: the main queue's redrive names its ARN).
 *
 * @example
 * ```ts
 * await sqs.send(new CreateQueueCommand({ QueueName: 'dlq', Attributes: deadLetterQueueAttributes(queueSettings()) }));
 * ```
 */
export function deadLetterQueueAttributes(settings: QueueSettings): Record<string, string> {
  return {
    MessageRetentionPeriod: String(settings.deadLetterRetentionSeconds),
    MaximumMessageSize: String(settings.maxMessageSizeBytes),
  };
}

/**
 * The main queue's settings as SQS `CreateQueue` attributes, with the redrive to `deadLetterQueueArn`.
 *
 * @example
 * ```ts
 * await sqs.send(new CreateQueueCommand({ QueueName: 'main', Attributes: mainQueueAttributes(queueSettings(), dlqArn) }));
 * ```
 */
export function mainQueueAttributes(settings: QueueSettings, deadLetterQueueArn: string): Record<string, string> {
  return {
    VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(settings.retentionSeconds),
    MaximumMessageSize: String(settings.maxMessageSizeBytes),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetterQueueArn,
      maxReceiveCount: settings.maxReceiveCount,
    }),
  };
}
