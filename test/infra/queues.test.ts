import { describe, expect, it } from 'vitest';
import { PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import { logicalId, resourceByPrefix, templateFor } from './helpers.ts';

const QUEUES = [
  ['main queue', 'ProcessingQueue'],
  ['dead-letter queue', 'ProcessingDeadLetterQueue'],
] as const;

describe('Queues', () => {
  it.each(QUEUES)('encrypts the %s with SQS-managed keys', (_name, prefix) => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::SQS::Queue', prefix);

    // Assess
    expect(properties.SqsManagedSseEnabled).toBe(true);
  });

  it.each(QUEUES)('denies every non-TLS request to the %s', (_name, prefix) => {
    // Prepare
    const template = templateFor();
    const queue = logicalId(template, 'AWS::SQS::Queue', prefix);

    // Act
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).map(
      (p) => (p as { Properties: { Queues: unknown[]; PolicyDocument: { Statement: unknown[] } } }).Properties,
    );
    const policy = policies.find((p) => JSON.stringify(p.Queues) === JSON.stringify([{ Ref: queue }]));

    // Assess
    expect(policy?.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'sqs:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it.each(QUEUES)('sets the %s maximum message size to 1 MiB explicitly', (_name, prefix) => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::SQS::Queue', prefix);

    // Assess
    expect(properties.MaximumMessageSize).toBe(1_048_576);
  });

  it('sets the visibility timeout to six times the processor timeout', () => {
    // Prepare
    const template = templateFor();
    const processor = resourceByPrefix(template, 'AWS::Lambda::Function', 'ProcessingProcessor');

    // Act
    const queue = resourceByPrefix(template, 'AWS::SQS::Queue', 'ProcessingQueue');

    // Assess
    expect(queue.properties.VisibilityTimeout).toBe(6 * (processor.properties.Timeout as number));
  });

  it('keeps the six-times rule when the processor timeout is configured', () => {
    // Prepare
    const template = templateFor({ processorTimeoutSeconds: 45 });

    // Act
    const queue = resourceByPrefix(template, 'AWS::SQS::Queue', 'ProcessingQueue');

    // Assess
    expect(queue.properties.VisibilityTimeout).toBe(270);
  });

  it('moves a message to the DLQ after three receives by default', () => {
    // Prepare
    const template = templateFor();
    const dlq = logicalId(template, 'AWS::SQS::Queue', 'ProcessingDeadLetterQueue');

    // Act
    const queue = resourceByPrefix(template, 'AWS::SQS::Queue', 'ProcessingQueue');

    // Assess
    expect(queue.properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] },
      maxReceiveCount: PIPELINE_DEFAULTS.maxReceiveCount,
    });
  });

  it('gives the processor the same maxReceiveCount the redrive policy uses', () => {
    // Prepare
    const template = templateFor({ maxReceiveCount: '5' });

    // Act
    const queue = resourceByPrefix(template, 'AWS::SQS::Queue', 'ProcessingQueue');
    const processor = resourceByPrefix(template, 'AWS::Lambda::Function', 'ProcessingProcessor');

    // Assess
    expect((queue.properties.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount).toBe(5);
    expect(processor.properties.Environment).toMatchObject({ Variables: { MAX_RECEIVE_COUNT: '5' } });
  });

  it('keeps dead letters for 14 days', () => {
    // Prepare
    const template = templateFor();

    // Act
    const dlq = resourceByPrefix(template, 'AWS::SQS::Queue', 'ProcessingDeadLetterQueue');

    // Assess
    expect(dlq.properties.MessageRetentionPeriod).toBe(14 * 24 * 60 * 60);
  });
});
