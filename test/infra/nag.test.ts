import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { onCustomDomain } from '../ingress/helpers.ts';
import { buildStack } from './helpers.ts';

const PACKS = [
  ['AwsSolutions', () => new AwsSolutionsChecks()],
  ['Serverless', () => new ServerlessChecks()],
] as const;

/** Configurations that add or remove resources nag looks at. */
const CONFIGS = [
  ['defaults', {}],
  [
    'prod with an alarm email and an imported secret',
    {
      stage: 'prod',
      alarmEmail: 'ops@example.com',
      amtSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:smartcar/amt-AbC123',
      receiverReservedConcurrency: 10,
    },
  ],
  ['a Function URL', { ingress: 'function-url' }],
  // The quarantine then gets a bucket of its own, and the receiver its grants on it.
  ['no archive, with a customer managed key', { archive: false, encryptionKey: 'create' }],
  ['the REST API and WAF on a custom domain', { ...onCustomDomain('rest-api'), wafRateLimit: 100 }],
  ['the HTTP API on a custom domain', onCustomDomain('http-api')],
  ['a customer managed key, with an alarm email', { encryptionKey: 'create', alarmEmail: 'ops@example.com' }],
  ['a customer managed key behind the REST API and WAF', { encryptionKey: 'create', ingress: 'rest-api' }],
  [
    'an imported key behind a Function URL',
    {
      encryptionKey: 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555',
      ingress: 'function-url',
    },
  ],
] as const;

describe('cdk-nag', () => {
  describe.each(CONFIGS)('with %s', (_name, context) => {
    it.each(PACKS)('has no unacknowledged %s finding', (_pack, pack) => {
      // Prepare
      const { stack } = buildStack(context);

      // Act
      const report = pack().validateScope(stack);

      // Assess
      expect(
        report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      ).toEqual([]);
      expect(report.success).toBe(true);
    });
  });

  it('lets the app synthesize when every finding is acknowledged', () => {
    // Prepare
    const { app } = buildStack();

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).not.toThrow();
  });

  it('fails synth on a finding that is not acknowledged', () => {
    // Prepare
    const { app, stack } = buildStack();
    new Queue(stack, 'Unguarded');

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/ERROR The SQS queue does not require requests to use SSL\. \(AwsSolutions\)/);
  });

  it('reports the unacknowledged finding by rule', () => {
    // Prepare
    const { stack } = buildStack();
    new Queue(stack, 'Unguarded');

    // Act
    const report = new AwsSolutionsChecks().validateScope(stack);

    // Assess
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
    );
  });

  it('acknowledges a rule only on the construct it is attached to', () => {
    // Prepare
    const { stack } = buildStack();
    const acknowledged = new Queue(stack, 'Acknowledged', { enforceSSL: true });
    new Queue(stack, 'Sibling', { enforceSSL: true });
    Validations.of(acknowledged).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'test: a queue with no consumer' });

    // Act
    const report = new AwsSolutionsChecks().validateScope(stack);

    // Assess
    expect(
      report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)),
    ).toEqual(['AwsSolutions-SQS3 SmartcarWebhooks-dev/Sibling/Resource']);
  });
});
