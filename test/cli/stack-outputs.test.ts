import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../bin/cli/errors.ts';
import { readStackOutputs, STACK_OUTPUTS } from '../../bin/cli/stack-outputs.ts';
import { SmartcarWebhookReceiver } from '../../lib/smartcar-webhook-receiver.ts';
import { SmartcarWebhookStack } from '../../lib/smartcar-webhook-stack.ts';
import { buildCustomApp, CUSTOM_STACK } from '../fixtures/custom-app/app.ts';
import { fastApp } from '../infra/helpers.ts';

/**
 * The CLIs read the outputs the construct emits: each stack's synthesized `Outputs`, answered by
 * `DescribeStacks` as CloudFormation would after a deploy (each value stands for the resolved one
 * as its intrinsic, serialised; SDK mocked: nothing here deploys a stack).
 */

const cfnMock = mockClient(CloudFormationClient);

/** Makes `DescribeStacks` of `name` answer the outputs `stack` synthesizes. */
function deployed(name: string, stack: Stack): void {
  const outputs = Template.fromStack(stack).toJSON().Outputs as Record<string, { Value: unknown }>;
  cfnMock.on(DescribeStacksCommand, { StackName: name }).resolves({
    Stacks: [
      {
        StackName: name,
        CreationTime: new Date(0),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([key, output]) => ({
          OutputKey: key,
          OutputValue: JSON.stringify(output.Value),
        })),
      },
    ],
  });
}

const KEYS = [STACK_OUTPUTS.QUEUE_URL, STACK_OUTPUTS.DEAD_LETTER_QUEUE_URL, STACK_OUTPUTS.ARCHIVE_BUCKET_NAME] as const;

beforeEach(() => {
  cfnMock.reset();
});

describe("readStackOutputs, on the construct's outputs", () => {
  it("finds a consumer stack's one pipeline without being told its id", async () => {
    // Prepare
    const stack = new Stack(fastApp(), 'Consumer');
    new SmartcarWebhookReceiver(stack, 'Webhooks');
    deployed('Consumer', stack);

    // Act
    const outputs = await readStackOutputs(new CloudFormationClient({}), 'Consumer', KEYS);

    // Assess
    expect(Object.values(outputs).map((value) => JSON.parse(value))).toEqual([
      { Ref: expect.stringMatching(/^WebhooksProcessingQueue/) },
      { Ref: expect.stringMatching(/^WebhooksProcessingDeadLetterQueue/) },
      { Ref: expect.stringMatching(/^WebhooksArchiveBucket/) },
    ]);
  });

  it("reads SmartcarWebhookStack's bare keys as before", async () => {
    // Prepare
    deployed('SmartcarWebhooks-dev', new SmartcarWebhookStack(fastApp(), 'SmartcarWebhooks-dev'));

    // Act
    const outputs = await readStackOutputs(new CloudFormationClient({}), 'SmartcarWebhooks-dev', KEYS);

    // Assess
    expect(JSON.parse(outputs.QueueUrl)).toEqual({ Ref: expect.stringMatching(/^ProcessingQueue/) });
  });

  it('asks which pipeline when a stack holds several, and reads the one named after a slash', async () => {
    // Prepare
    const { stack } = buildCustomApp(fastApp());
    deployed(CUSTOM_STACK, stack);
    const cloudFormation = new CloudFormationClient({});

    // Act
    const unnamed = readStackOutputs(cloudFormation, CUSTOM_STACK, KEYS);
    const audit = await readStackOutputs(cloudFormation, `${CUSTOM_STACK}/Audit`, KEYS);

    // Assess
    await expect(unnamed).rejects.toThrow(UsageError);
    await expect(unnamed).rejects.toThrow(
      `holds 2 pipelines (Fleet, Audit): name one, e.g. --stack ${CUSTOM_STACK}/Fleet`,
    );
    expect(JSON.parse(audit.DeadLetterQueueUrl)).toEqual({
      Ref: expect.stringMatching(/^AuditProcessingDeadLetterQueue/),
    });
  });

  it('names the missing output with its prefix when a pipeline has no archive', async () => {
    // Prepare
    const stack = new Stack(fastApp(), 'NoArchive');
    new SmartcarWebhookReceiver(stack, 'Webhooks', { archive: false });
    deployed('NoArchive', stack);

    // Act
    const read = readStackOutputs(new CloudFormationClient({}), 'NoArchive', KEYS);

    // Assess
    await expect(read).rejects.toThrow('Stack NoArchive has no output WebhooksArchiveBucketName');
  });
});
