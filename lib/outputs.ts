/**
 * Output keys of the stack. Tools that look the stack up with CloudFormation
 * `DescribeStacks` (the DLQ CLI, the send CLI) import these instead of spelling the names.
 */
export const STACK_OUTPUTS = {
  WEBHOOK_URL: 'WebhookUrl',
  ERROR_CALLBACK_URL: 'ErrorCallbackUrl',
  AMT_SECRET_ARN: 'AmtSecretArn',
  DASHBOARD_URL: 'DashboardUrl',
  QUEUE_URL: 'QueueUrl',
  DEAD_LETTER_QUEUE_URL: 'DeadLetterQueueUrl',
  ALARM_TOPIC_ARN: 'AlarmTopicArn',
} as const;

export type StackOutputKey = (typeof STACK_OUTPUTS)[keyof typeof STACK_OUTPUTS];
