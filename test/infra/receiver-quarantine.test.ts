import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/core/constants.ts';
import { ReceiverFunction } from '../../lib/constructs/receiver-function.ts';

/** A ReceiverFunction used on its own: its function refuses to start without a quarantine bucket. */
function receiverStack(): { stack: Stack; receiver: ReceiverFunction } {
  const stack = new Stack(new App(), 'ReceiverOnly');
  const receiver = new ReceiverFunction(stack, 'Receiver', {
    queue: new Queue(stack, 'Queue'),
    secret: new Secret(stack, 'Secret'),
    metricsNamespace: 'Test',
  });
  return { stack, receiver };
}

describe('ReceiverFunction and its quarantine', () => {
  it('does not synthesize without a quarantine bucket, which its function needs to start', () => {
    // Prepare
    const { stack } = receiverStack();

    // Act / Assess
    expect(() => Template.fromStack(stack)).toThrow(/needs a quarantine bucket: call quarantineTo/);
  });

  it('names the bucket in the environment once quarantineTo is called', () => {
    // Prepare
    const { stack, receiver } = receiverStack();
    const bucket = new Bucket(stack, 'Bucket');

    // Act
    receiver.quarantineTo(bucket);

    // Assess
    const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function', {
      Properties: {
        Environment: {
          Variables: { [ENV.QUARANTINE_BUCKET_NAME]: { Ref: stack.getLogicalId(bucket.node.defaultChild as never) } },
        },
      },
    });
    expect(Object.keys(functions)).toHaveLength(1);
  });
});
