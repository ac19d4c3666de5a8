import { LogLevel } from '@aws-lambda-powertools/logger';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import { CONTEXT_KEYS, readConfig } from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';
import { fastApp } from './helpers.ts';

function configFrom(context: Record<string, unknown>) {
  return readConfig(fastApp(context).node);
}

describe('readConfig', () => {
  it('defaults to the dev stage and leaves every other key to the constructs', () => {
    // Prepare
    const context = {};

    // Act
    const config = configFrom(context);

    // Assess
    expect(config.stage).toBe('dev');
    expect(config.stackName).toBe('SmartcarWebhooks-dev');
    const set = Object.entries(config)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k);
    expect(set.sort()).toEqual(['stackName', 'stage']);
  });

  it('names the stack after the stage so stages deploy side by side', () => {
    // Prepare
    const context = { stage: 'staging' };

    // Act
    const config = configFrom(context);

    // Assess
    expect(config.stackName).toBe('SmartcarWebhooks-staging');
  });

  it('reads numbers given as CLI strings and as JSON numbers alike', () => {
    // Prepare
    const context = { batchSize: '7', maxConcurrency: 9 };

    // Act
    const config = configFrom(context);

    // Assess
    expect([config.batchSize, config.maxConcurrency]).toEqual([7, 9]);
  });

  it('maps removalPolicy, logRetentionDays and logLevel to their CDK values', () => {
    // Prepare
    const context = { removalPolicy: 'retain', logRetentionDays: 14, logLevel: 'warn' };

    // Act
    const config = configFrom(context);

    // Assess
    expect([config.removalPolicy, config.logRetentionDays, config.logLevel]).toEqual([
      RemovalPolicy.RETAIN,
      RetentionDays.TWO_WEEKS,
      'WARN',
    ]);
  });

  it.each(Object.values(LogLevel))('accepts every log level Powertools exports, in any case: %s', (level) => {
    // Act
    const config = configFrom({ logLevel: level.toLowerCase() });

    // Assess
    expect(config.logLevel).toBe(level);
  });

  it('reads alarm thresholds from an object (cdk.json)', () => {
    // Prepare
    const context = { alarmThresholds: { api5xx: 3 } };

    // Act
    const config = configFrom(context);

    // Assess
    expect(config.alarmThresholds).toEqual({ api5xx: 3 });
  });

  it.each([
    ['stage', 'Prod'],
    ['stage', 'a-stage-name-longer-than-twenty'],
    ['batchSize', 'ten'],
    ['batchSize', '2.5'],
    ['batchSize', 0],
    ['maxConcurrency', 1],
    ['receiverTimeoutSeconds', 15],
    ['receiverTimeoutSeconds', 9],
    ['processorTimeoutSeconds', 29],
    ['receiverMemoryMb', 64],
    ['deliveryToleranceSeconds', -1],
    ['deliveryToleranceSeconds', PIPELINE_DEFAULTS.idempotencyTtlSeconds + 1],
    ['futureToleranceSeconds', -1],
    ['futureToleranceSeconds', 86_401],
    ['logLevel', 'verbose'],
    ['logRetentionDays', 10],
    ['logRetentionDays', 9999],
    ['removalPolicy', 'snapshot'],
    ['dataPath', 'webhooks'],
    ['dataPath', '/webhooks/{proxy+}'],
    ['alarmEmail', 'not-an-email'],
    ['amtSecretArn', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:smartcar/amt'],
    ['alarmThresholds', '{"nope":1}'],
    ['alarmThresholds', '{"api5xx":-1}'],
    ['alarmThresholds', 'not json'],
  ])('rejects %s = %j with a ConfigError naming the key', (key, value) => {
    // Prepare
    const context = { [key]: value };

    // Act
    const read = () => configFrom(context);

    // Assess
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(`Invalid context "${key}`);
  });

  it('rejects the same path for data and errors', () => {
    // Prepare
    const context = { dataPath: '/hooks', errorPath: '/hooks' };

    // Act & Assess
    expect(() => configFrom(context)).toThrow('Invalid context "errorPath"');
  });

  it('rejects a batch size above 10 without a batching window', () => {
    // Prepare
    const context = { batchSize: 100 };

    // Act & Assess
    expect(() => configFrom(context)).toThrow('Invalid context "maxBatchingWindowSeconds"');
  });

  it('reads every documented key', () => {
    // Prepare
    const context = {
      stage: 'qa',
      amtSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:smartcar/amt-AbC123',
      alarmEmail: 'ops@example.com',
      logLevel: 'DEBUG',
      logRetentionDays: 7,
      removalPolicy: 'destroy',
      ingress: 'rest-api',
      domainName: 'hooks.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
      wafRateLimit: 100,
      dataPath: '/a',
      errorPath: '/b',
      throttleRateLimit: 1,
      throttleBurstLimit: 2,
      receiverMemoryMb: 128,
      receiverTimeoutSeconds: 12,
      receiverReservedConcurrency: 3,
      deliveryToleranceSeconds: 300,
      processorMemoryMb: 256,
      processorTimeoutSeconds: 45,
      batchSize: 20,
      maxBatchingWindowSeconds: 2,
      maxConcurrency: 2,
      maxReceiveCount: 4,
      futureToleranceSeconds: 300,
      alarmThresholds: { throttles: 1 },
      archive: 'false',
      archiveRetentionDays: 30,
      encryptionKey: 'create',
    };

    // Act
    const config = configFrom(context) as unknown as Record<string, unknown>;

    // Assess
    expect(Object.keys(context).sort()).toEqual([...CONTEXT_KEYS].sort());
    const unset = Object.entries(config)
      .filter(([, v]) => v === undefined)
      .map(([k]) => k);
    expect(unset).toEqual([]);
  });
});
