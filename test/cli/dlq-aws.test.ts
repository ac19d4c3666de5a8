import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { type DlqTarget, redriveDlq } from '../../bin/cli/dlq-operations.ts';
import { resolveTarget } from '../../bin/cli/dlq-target.ts';
import { UsageError } from '../../bin/cli/errors.ts';
import { STACK_OUTPUTS } from '../../lib/stack-outputs.ts';

describe('DLQ operations against AWS (SDK mocked: the emulator lacks these calls)', () => {
  const sqsMock = mockClient(SQSClient);
  const cfnMock = mockClient(CloudFormationClient);
  const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/main';
  const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq';

  beforeEach(() => {
    sqsMock.reset();
    cfnMock.reset();
    sqsMock
      .on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL })
      .resolves({ Attributes: { QueueArn: 'arn:aws:sqs:eu-west-1:123456789012:main' } })
      .on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL })
      .resolves({ Attributes: { QueueArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq' } })
      .on(StartMessageMoveTaskCommand)
      .resolves({ TaskHandle: 'task-1' });
  });

  it('starts an SQS message move task from the DLQ to the main queue for an unfiltered redrive', async () => {
    // Prepare
    const target: DlqTarget = {
      sqs: new SQSClient({}),
      queueUrl: QUEUE_URL,
      deadLetterQueueUrl: DLQ_URL,
      supportsMoveTask: true,
    };

    // Act
    const result = await redriveDlq(target);

    // Assess
    expect(result).toEqual({ mode: 'move-task', taskHandle: 'task-1' });
    expect(sqsMock).toHaveReceivedCommandWith(StartMessageMoveTaskCommand, {
      SourceArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq',
      DestinationArn: 'arn:aws:sqs:eu-west-1:123456789012:main',
    });
    expect(sqsMock).not.toHaveReceivedCommand(ReceiveMessageCommand);
  });

  it('walks the DLQ instead of starting a move task when the redrive is filtered', async () => {
    // Prepare
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [] });
    const target: DlqTarget = {
      sqs: new SQSClient({}),
      queueUrl: QUEUE_URL,
      deadLetterQueueUrl: DLQ_URL,
      supportsMoveTask: true,
    };

    // Act
    const result = await redriveDlq(target, { eventType: 'VEHICLE_STATE' });

    // Assess
    expect(result).toEqual({ mode: 'manual', moved: 0, kept: 0 });
    expect(sqsMock).not.toHaveReceivedCommand(StartMessageMoveTaskCommand);
  });

  it('finds the queues from the stack outputs', async () => {
    // Prepare
    cfnMock.on(DescribeStacksCommand, { StackName: 'SmartcarWebhooks-dev' }).resolves({
      Stacks: [
        {
          StackName: 'SmartcarWebhooks-dev',
          CreationTime: new Date(0),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: STACK_OUTPUTS.QUEUE_URL, OutputValue: QUEUE_URL },
            { OutputKey: STACK_OUTPUTS.DEAD_LETTER_QUEUE_URL, OutputValue: DLQ_URL },
          ],
        },
      ],
    });

    // Act
    const target = await resolveTarget(
      { kind: 'stack', stackName: 'SmartcarWebhooks-dev', region: 'eu-west-1' },
      { cloudFormation: new CloudFormationClient({}), sqs: new SQSClient({}) },
    );

    // Assess
    expect(target).toMatchObject({ queueUrl: QUEUE_URL, deadLetterQueueUrl: DLQ_URL, supportsMoveTask: true });
  });

  it('explains a stack without the expected outputs', async () => {
    // Prepare
    cfnMock.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'Other', CreationTime: new Date(0), StackStatus: 'CREATE_COMPLETE', Outputs: [] }],
    });

    // Act
    const attempt = resolveTarget(
      { kind: 'stack', stackName: 'Other' },
      { cloudFormation: new CloudFormationClient({}) },
    );

    // Assess
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(/has no output QueueUrl/);
  });
});
