import { describe, expect, it } from 'vitest';
import { ENV, PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
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

  it('remembers a processed eventId longer than a copy can live in the main queue, the DLQ and a redrive', () => {
    // Prepare
    const template = templateFor();
    const retention = (prefix: string): number =>
      resourceByPrefix(template, 'AWS::SQS::Queue', prefix).properties.MessageRetentionPeriod as number;

    // Act
    const processor = resourceByPrefix(template, 'AWS::Lambda::Function', 'ProcessingProcessor');
    const ttl = Number(
      (processor.properties.Environment as { Variables: Record<string, unknown> }).Variables[
        ENV.IDEMPOTENCY_TTL_SECONDS
      ],
    );

    // Assess
    // A standard queue's DLQ keeps a message's original enqueue time, and a redrive enqueues it
    // anew: the last redrive can run up to DLQ retention + queue retention after the first copy.
    expect(ttl).toBeGreaterThanOrEqual(retention('ProcessingQueue') + retention('ProcessingDeadLetterQueue'));
  });

  it('keeps the DLQ longer than the main queue, so a dead letter is not expired on arrival', () => {
    // Prepare
    const template = templateFor();

    // Act
    const queue = resourceByPrefix(template, 'AWS::SQS::Queue', 'ProcessingQueue');
    const dlq = resourceByPrefix(template, 'AWS::SQS::Queue', 'ProcessingDeadLetterQueue');

    // Assess
    expect(dlq.properties.MessageRetentionPeriod as number).toBeGreaterThan(
      queue.properties.MessageRetentionPeriod as number,
    );
  });
});
