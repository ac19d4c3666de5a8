import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createLocalSqsClient } from '../../local/api/sqs-client.ts';
import { type LastErrorLookup, localLastErrors, processorLogErrors } from './dlq-errors.ts';
import type { DlqTarget } from './dlq-operations.ts';
import { fetchLocalEndpoints } from './local-pipeline.ts';
import { readStackOutputs, STACK_OUTPUTS } from './stack-outputs.ts';

/**
 * How the DLQ CLI was told to find the queues. `errors` (AWS): also find each message's last
 * error in the processor's log group (the stack's `ProcessorLogGroupName` output, or `logGroupName`).
 */
export type TargetSpec =
  | { kind: 'local'; url: string }
  | { kind: 'stack'; stackName: string; region?: string; errors?: boolean }
  | { kind: 'explicit'; queueUrl: string; deadLetterQueueUrl: string; region?: string; logGroupName?: string };

/** A target plus a description for the user and the clients to release afterwards. */
export interface ResolvedTarget extends DlqTarget {
  description: string;
  /** Where `dlq list` finds each message's last error; absent when it was not asked to look. */
  lastErrors?: LastErrorLookup;
  close(): void;
}

/**
 * Finds the queues: from a running local pipeline (`GET /_local/endpoints`), from a deployed
 * stack's outputs (CloudFormation `DescribeStacks`), or from explicit URLs.
 *
 * @example
 * ```ts
 * const target = await resolveTarget({ kind: 'stack', stackName: 'SmartcarWebhooks-dev' });
 * try { await peekDlq(target, { max: 10 }); } finally { target.close(); }
 * ```
 */
export async function resolveTarget(
  spec: TargetSpec,
  clients: { cloudFormation?: CloudFormationClient; sqs?: SQSClient; logs?: CloudWatchLogsClient } = {},
): Promise<ResolvedTarget> {
  switch (spec.kind) {
    case 'local': {
      const endpoints = await fetchLocalEndpoints(spec.url);
      const sqs = clients.sqs ?? createLocalSqsClient(endpoints.sqsEndpoint);
      return {
        sqs,
        queueUrl: endpoints.queueUrl,
        deadLetterQueueUrl: endpoints.deadLetterQueueUrl,
        supportsMoveTask: false,
        lastErrors: localLastErrors(spec.url),
        description: `local pipeline at ${spec.url}`,
        close: () => sqs.destroy(),
      };
    }
    case 'stack': {
      const region = spec.region ? { region: spec.region } : {};
      const cloudFormation = clients.cloudFormation ?? new CloudFormationClient(region);
      let outputs: Partial<Record<'QueueUrl' | 'DeadLetterQueueUrl' | 'ProcessorLogGroupName', string>>;
      try {
        outputs = await readStackOutputs(cloudFormation, spec.stackName, [
          STACK_OUTPUTS.QUEUE_URL,
          STACK_OUTPUTS.DEAD_LETTER_QUEUE_URL,
          // Only when asked: a stack deployed before this output existed still lists and redrives.
          ...(spec.errors ? [STACK_OUTPUTS.PROCESSOR_LOG_GROUP_NAME] : []),
        ]);
      } finally {
        if (!clients.cloudFormation) cloudFormation.destroy();
      }
      const sqs = clients.sqs ?? new SQSClient(region);
      const logs = outputs.ProcessorLogGroupName ? (clients.logs ?? new CloudWatchLogsClient(region)) : undefined;
      return {
        sqs,
        queueUrl: outputs.QueueUrl!,
        deadLetterQueueUrl: outputs.DeadLetterQueueUrl!,
        supportsMoveTask: true,
        ...(logs ? { lastErrors: processorLogErrors(logs, outputs.ProcessorLogGroupName!) } : {}),
        description: `stack ${spec.stackName}`,
        close: () => {
          sqs.destroy();
          if (!clients.logs) logs?.destroy();
        },
      };
    }
    case 'explicit': {
      const region = spec.region ? { region: spec.region } : {};
      const sqs = clients.sqs ?? new SQSClient(region);
      const logs = spec.logGroupName ? (clients.logs ?? new CloudWatchLogsClient(region)) : undefined;
      return {
        sqs,
        queueUrl: spec.queueUrl,
        deadLetterQueueUrl: spec.deadLetterQueueUrl,
        supportsMoveTask: true,
        ...(logs ? { lastErrors: processorLogErrors(logs, spec.logGroupName!) } : {}),
        description: spec.deadLetterQueueUrl,
        close: () => {
          sqs.destroy();
          if (!clients.logs) logs?.destroy();
        },
      };
    }
  }
}
