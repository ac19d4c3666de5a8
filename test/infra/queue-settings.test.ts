import { describe, expect, it } from 'vitest';
import { PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import { deadLetterQueueAttributes, mainQueueAttributes, queueSettings } from '../../lib/constructs/queue-settings.ts';

describe('queueSettings', () => {
  it('derives the visibility timeout from the processor timeout and keeps the stack defaults', () => {
    // Act
    const settings = queueSettings({ processorTimeoutSeconds: 45 });

    // Assess
    expect(settings).toEqual({
      processorTimeoutSeconds: 45,
      visibilityTimeoutSeconds: 45 * PIPELINE_DEFAULTS.visibilityTimeoutMultiplier,
      maxReceiveCount: PIPELINE_DEFAULTS.maxReceiveCount,
      retentionSeconds: PIPELINE_DEFAULTS.queueRetentionDays * 86_400,
      deadLetterRetentionSeconds: PIPELINE_DEFAULTS.dlqRetentionDays * 86_400,
      maxMessageSizeBytes: PIPELINE_DEFAULTS.maxMessageSizeBytes,
    });
  });

  it('takes maxReceiveCount and an explicit (local) visibility timeout', () => {
    // Act
    const settings = queueSettings({ maxReceiveCount: 5, visibilityTimeoutSeconds: 2 });

    // Assess
    expect([settings.maxReceiveCount, settings.visibilityTimeoutSeconds, settings.processorTimeoutSeconds]).toEqual([
      5, 2, 30,
    ]);
  });

  it('gives the same numbers as CreateQueue attributes, the redrive naming the DLQ', () => {
    // Prepare
    const settings = queueSettings({ maxReceiveCount: 4 });
    const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:dlq';

    // Act
    const main = mainQueueAttributes(settings, dlqArn);
    const dlq = deadLetterQueueAttributes(settings);

    // Assess
    expect(main).toEqual({
      VisibilityTimeout: '180',
      MessageRetentionPeriod: String(4 * 86_400),
      MaximumMessageSize: '1048576',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 4 }),
    });
    expect(dlq).toEqual({ MessageRetentionPeriod: String(14 * 86_400), MaximumMessageSize: '1048576' });
  });
});
