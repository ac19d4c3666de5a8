/**
 * Output keys of the stack. Tools that look the stack up with CloudFormation
 * `DescribeStacks` (the DLQ, send and smoke CLIs) import these instead of spelling the names.
 */
export const STACK_OUTPUTS = {
  WEBHOOK_URL: 'WebhookUrl',
  ERROR_CALLBACK_URL: 'ErrorCallbackUrl',
  AMT_SECRET_ARN: 'AmtSecretArn',
  DASHBOARD_URL: 'DashboardUrl',
  QUEUE_URL: 'QueueUrl',
  DEAD_LETTER_QUEUE_URL: 'DeadLetterQueueUrl',
  ALARM_TOPIC_ARN: 'AlarmTopicArn',
  /** Where the processor records each eventId it handled; `npm run smoke` reads it. */
  IDEMPOTENCY_TABLE_NAME: 'IdempotencyTableName',
  /** The archive bucket (absent with `-c archive=false`); `npm run replay` reads it. */
  ARCHIVE_BUCKET_NAME: 'ArchiveBucketName',
  /** The quarantine's bucket (the archive's, or its own with `-c archive=false`); `npm run quarantine` reads it. */
  QUARANTINE_BUCKET_NAME: 'QuarantineBucketName',
  /** The processor's log group; `npm run dlq -- list --errors` looks up each event's last error there. */
  PROCESSOR_LOG_GROUP_NAME: 'ProcessorLogGroupName',
  /** Only with a custom domain: the host name its DNS record points at. */
  CUSTOM_DOMAIN_TARGET: 'CustomDomainTarget',
} as const;

export type StackOutputKey = (typeof STACK_OUTPUTS)[keyof typeof STACK_OUTPUTS];
