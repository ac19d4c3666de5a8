import { describe, expect, it } from 'vitest';
import { ENV, PIPELINE_DEFAULTS, ROUTES, SERVICE } from '../../lambda/core/constants.ts';
import { RECEIVER_DEFAULTS } from '../../lib/defaults.ts';
import { ConfigError } from '../../lib/errors.ts';
import { logicalId, resourceByPrefix, templateFor } from './helpers.ts';

const FUNCTIONS = [
  ['receiver', 'ReceiverFunction'],
  ['processor', 'ProcessingProcessorFunction'],
] as const;

describe('Functions', () => {
  it.each(FUNCTIONS)('runs the %s on Node.js 24 on arm64', (_name, prefix) => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', prefix);

    // Assess
    expect(properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
  });

  it("gives the receiver a timeout well under Smartcar's 15 s", () => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Assess
    expect(properties.Timeout).toBe(RECEIVER_DEFAULTS.timeoutSeconds);
    expect(properties.Timeout as number).toBeLessThan(15);
  });

  it('refuses a receiver timeout of 15 s or more', () => {
    // Prepare
    const context = { receiverTimeoutSeconds: 15 };

    // Act & Assess
    expect(() => templateFor(context)).toThrow(ConfigError);
  });

  it('uses the receiver memory and reserved concurrency given in context', () => {
    // Prepare
    const template = templateFor({ receiverMemoryMb: '512', receiverReservedConcurrency: '50' });

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Assess
    expect(properties).toMatchObject({ MemorySize: 512, ReservedConcurrentExecutions: 50 });
  });

  it('reserves no receiver concurrency unless asked', () => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Assess
    expect(properties).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  it('sets exactly the receiver environment of the contract', () => {
    // Prepare
    const template = templateFor({ stage: 'qa', logLevel: 'debug' });
    const queue = logicalId(template, 'AWS::SQS::Queue', 'ProcessingQueue');
    const secret = logicalId(template, 'AWS::SecretsManager::Secret', 'AmtSecret');
    const bucket = logicalId(template, 'AWS::S3::Bucket', 'ArchiveBucket');

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Assess
    expect((properties.Environment as { Variables: unknown }).Variables).toEqual({
      [ENV.QUEUE_URL]: { Ref: queue },
      [ENV.AMT_SECRET_ID]: { Ref: secret },
      [ENV.QUARANTINE_BUCKET_NAME]: { Ref: bucket },
      [ENV.AMT_CACHE_SECONDS]: String(PIPELINE_DEFAULTS.amtCacheSeconds),
      [ENV.MAX_BODY_BYTES]: String(PIPELINE_DEFAULTS.maxBodyBytes),
      [ENV.ERROR_CALLBACK_PATH]: ROUTES.ERROR_PATH,
      [ENV.DELIVERY_TOLERANCE_SECONDS]: String(PIPELINE_DEFAULTS.deliveryToleranceSeconds),
      [ENV.SERVICE_NAME]: SERVICE.RECEIVER,
      [ENV.METRICS_NAMESPACE]: 'SmartcarWebhooks/qa',
      [ENV.LOG_LEVEL]: 'DEBUG',
    });
  });

  it.each([
    ['300', 300],
    ['0 (the replay window off)', 0],
  ])('passes deliveryToleranceSeconds=%s to the receiver', (_label, deliveryToleranceSeconds) => {
    // Prepare
    const template = templateFor({ deliveryToleranceSeconds });

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Assess
    expect(properties.Environment).toMatchObject({
      Variables: { [ENV.DELIVERY_TOLERANCE_SECONDS]: String(deliveryToleranceSeconds) },
    });
  });

  it('tells the receiver which path is the error callback route', () => {
    // Prepare
    const template = templateFor({ errorPath: '/hooks/errors' });

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Assess
    expect(properties.Environment).toMatchObject({ Variables: { [ENV.ERROR_CALLBACK_PATH]: '/hooks/errors' } });
  });

  it.each(FUNCTIONS)('sends the %s logs to its own log group', (_name, prefix) => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', prefix);
    const logGroup = (properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;

    // Assess
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup'))).toContain(logGroup);
  });
});

describe('AMT secret', () => {
  it('is created with the placeholder when no ARN is given', () => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::SecretsManager::Secret', 'AmtSecret');

    // Assess
    expect(properties.SecretString).toBe('REPLACE_WITH_SMARTCAR_APPLICATION_MANAGEMENT_TOKEN');
  });

  it('is imported, not created, when amtSecretArn is given', () => {
    // Prepare
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:smartcar/amt-AbC123';

    // Act
    const template = templateFor({ amtSecretArn: arn });

    // Assess
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { [ENV.AMT_SECRET_ID]: arn } },
    });
  });
});
