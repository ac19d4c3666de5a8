import { describe, expect, it } from 'vitest';
import { ENV, PIPELINE_DEFAULTS, SERVICE, TABLE_SCHEMA } from '../../lambda/core/constants.ts';
import { PROCESSOR_DEFAULTS } from '../../lib/defaults.ts';
import { logicalId, resourceByPrefix, templateFor } from './helpers.ts';

const TABLES = [
  ['idempotency', 'ProcessingIdempotencyTable', TABLE_SCHEMA.IDEMPOTENCY.ttlAttribute],
  ['vehicle state', 'ProcessingVehicleStateTable', TABLE_SCHEMA.VEHICLE_STATE.ttlAttribute],
] as const;

describe('Processor', () => {
  it('consumes the main queue with partial batch responses', () => {
    // Prepare
    const template = templateFor();
    const queue = logicalId(template, 'AWS::SQS::Queue', 'ProcessingQueue');

    // Act & Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('uses the default batch size, window and maximum concurrency', () => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::EventSourceMapping', 'Processing');

    // Assess
    expect(properties).toMatchObject({
      BatchSize: PIPELINE_DEFAULTS.batchSize,
      MaximumBatchingWindowInSeconds: PROCESSOR_DEFAULTS.maxBatchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: PROCESSOR_DEFAULTS.maxConcurrency },
    });
  });

  it('uses the batch size, window and maximum concurrency given in context', () => {
    // Prepare
    const template = templateFor({ batchSize: '50', maxBatchingWindowSeconds: '5', maxConcurrency: 4 });

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::EventSourceMapping', 'Processing');

    // Assess
    expect(properties).toMatchObject({
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 4 },
    });
  });

  it('sets exactly the processor environment of the contract', () => {
    // Prepare
    const template = templateFor({ stage: 'qa' });
    const idempotency = logicalId(template, 'AWS::DynamoDB::Table', 'ProcessingIdempotencyTable');
    const state = logicalId(template, 'AWS::DynamoDB::Table', 'ProcessingVehicleStateTable');
    const archiveStream = logicalId(template, 'AWS::KinesisFirehose::DeliveryStream', 'ArchiveStream');

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ProcessingProcessor');

    // Assess
    expect((properties.Environment as { Variables: unknown }).Variables).toEqual({
      [ENV.IDEMPOTENCY_TABLE_NAME]: { Ref: idempotency },
      [ENV.IDEMPOTENCY_TTL_SECONDS]: String(PIPELINE_DEFAULTS.idempotencyTtlSeconds),
      [ENV.VEHICLE_STATE_TABLE_NAME]: { Ref: state },
      [ENV.VEHICLE_STATE_TTL_SECONDS]: String(PIPELINE_DEFAULTS.vehicleStateTtlSeconds),
      [ENV.MAX_RECEIVE_COUNT]: String(PIPELINE_DEFAULTS.maxReceiveCount),
      [ENV.FUTURE_TOLERANCE_SECONDS]: String(PIPELINE_DEFAULTS.futureToleranceSeconds),
      [ENV.SERVICE_NAME]: SERVICE.PROCESSOR,
      [ENV.METRICS_NAMESPACE]: 'SmartcarWebhooks/qa',
      [ENV.LOG_LEVEL]: 'INFO',
      [ENV.ARCHIVE_STREAM_NAME]: { Ref: archiveStream },
    });
  });

  it('gives the processor the future tolerance set in context (-c futureToleranceSeconds)', () => {
    // Prepare
    const template = templateFor({ futureToleranceSeconds: '300' });

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ProcessingProcessor');

    // Assess
    expect(properties.Environment).toMatchObject({ Variables: { [ENV.FUTURE_TOLERANCE_SECONDS]: '300' } });
  });

  it('uses the memory and timeout given in context', () => {
    // Prepare
    const template = templateFor({ processorMemoryMb: '1024', processorTimeoutSeconds: 60 });

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ProcessingProcessor');

    // Assess
    expect(properties).toMatchObject({ MemorySize: 1024, Timeout: 60 });
  });

  it.each(TABLES)('bills the %s table on demand', (_name, prefix) => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::DynamoDB::Table', prefix);

    // Assess
    expect(properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it.each(TABLES)('expires %s items by their TTL attribute', (_name, prefix, ttlAttribute) => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::DynamoDB::Table', prefix);

    // Assess
    expect(properties.TimeToLiveSpecification).toEqual({ AttributeName: ttlAttribute, Enabled: true });
  });

  it.each(TABLES)('keeps point-in-time recovery on for the %s table', (_name, prefix) => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::DynamoDB::Table', prefix);

    // Assess
    expect(properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('keys the tables by the shared schema', () => {
    // Prepare
    const template = templateFor();

    // Act
    const idempotency = resourceByPrefix(template, 'AWS::DynamoDB::Table', 'ProcessingIdempotencyTable');
    const state = resourceByPrefix(template, 'AWS::DynamoDB::Table', 'ProcessingVehicleStateTable');

    // Assess
    expect(idempotency.properties.KeySchema).toEqual([
      { AttributeName: TABLE_SCHEMA.IDEMPOTENCY.partitionKey, KeyType: 'HASH' },
    ]);
    expect(state.properties.KeySchema).toEqual([
      { AttributeName: TABLE_SCHEMA.VEHICLE_STATE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_SCHEMA.VEHICLE_STATE.sortKey, KeyType: 'RANGE' },
    ]);
  });
});

describe('Removal policy', () => {
  const STATEFUL = ['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup'];

  it.each(STATEFUL)('retains %s in the prod stage', (type) => {
    // Prepare
    const template = templateFor({ stage: 'prod' });

    // Act
    const policies = Object.values(template.findResources(type)).map(
      (r) => (r as { DeletionPolicy?: string }).DeletionPolicy,
    );

    // Assess
    expect(policies.length).toBeGreaterThan(0);
    expect(new Set(policies)).toEqual(new Set(['Retain']));
  });

  it.each(STATEFUL)('deletes %s in other stages', (type) => {
    // Prepare
    const template = templateFor({ stage: 'dev' });

    // Act
    const policies = Object.values(template.findResources(type)).map(
      (r) => (r as { DeletionPolicy?: string }).DeletionPolicy,
    );

    // Assess
    expect(new Set(policies)).toEqual(new Set(['Delete']));
  });

  it('follows the removalPolicy context key over the stage default', () => {
    // Prepare
    const template = templateFor({ stage: 'prod', removalPolicy: 'destroy' });

    // Act
    const policies = Object.values(template.findResources('AWS::DynamoDB::Table')).map(
      (r) => (r as { DeletionPolicy?: string }).DeletionPolicy,
    );

    // Assess
    expect(new Set(policies)).toEqual(new Set(['Delete']));
  });
});
