import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/core/constants.ts';
import { ConfigError, InvalidPropsError } from '../../lib/errors.ts';
import { SmartcarWebhookReceiver } from '../../lib/smartcar-webhook-receiver.ts';
import { buildCustomApp, CUSTOM_STACK } from '../fixtures/custom-app/app.ts';
import { FLEET_EVENT_TYPE, FLEET_LOG_LINE } from '../fixtures/custom-app/event-types.ts';
import { type CdkSynthRun, functionAssetDirs, synthesizeWithCdkCli } from '../helpers/cdk-synth.ts';
import { fastApp, resourceByPrefix } from './helpers.ts';
import { archiveIamExpectedFor, iamExpectedFor } from './iam-expected.ts';
import { resolveTemplate, roleAgainstTable } from './iam-grants.ts';

/**
 * A second CDK app (`test/fixtures/custom-app/`) that uses `SmartcarWebhookReceiver` twice in one
 * stack, each pipeline running the user's own handler file from outside `lambda/`, through the
 * same gates as the project's stack: `cdk synth` with real bundling, the nag packs and the
 * built-in validation; the IAM grant table; cfn-lint (in `cfn-lint.test.ts`, with `npm run test:cfn`).
 */

let synth: CdkSynthRun;
let template: Template;

beforeAll(() => {
  synth = synthesizeWithCdkCli(['--app', 'node --import tsx test/fixtures/custom-app/bin.ts']);
  if (synth.status === 0) template = Template.fromJSON(synth.template(CUSTOM_STACK));
}, 240_000);

afterAll(() => synth?.remove());

/** The pipelines of the custom stack and their rows of the grant table: the functions' roles and the archive's. */
const PIPELINES = [
  ['Fleet', { ...iamExpectedFor({ prefix: 'Fleet' }), ...archiveIamExpectedFor({ prefix: 'Fleet' }) }],
  [
    "Audit (the fleet's secret, no vehicle-state store)",
    {
      ...iamExpectedFor({ prefix: 'Audit', secretLogicalIdPrefix: 'FleetAmtSecret', vehicleStateStore: false }),
      ...archiveIamExpectedFor({ prefix: 'Audit' }),
    },
  ],
] as const;

function processorEnvironment(prefix: string): Record<string, unknown> {
  const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', `${prefix}ProcessingProcessorFunction`);
  return (properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

describe('a second app built on SmartcarWebhookReceiver', () => {
  it('synthesizes through the CDK CLI with real bundling, nag and the built-in validation', () => {
    // Prepare: synthesized once in beforeAll

    // Act
    const { status, stderr } = synth;

    // Assess
    expect(stderr).not.toMatch(/Validation failed|ERROR/);
    expect(status).toBe(0);
  });

  it("bundles the user's handler file into both processors", () => {
    // Prepare
    const assets = functionAssetDirs(synth.template(CUSTOM_STACK), synth.outDir);

    // Act
    const processors = Object.entries(assets)
      .filter(([id]) => id.includes('ProcessingProcessorFunction'))
      .map(([, dir]) => readFileSync(join(dir, 'index.js'), 'utf8'));

    // Assess
    expect(Object.keys(assets)).toHaveLength(4);
    expect(processors).toHaveLength(2);
    expect(processors.map((bundle) => bundle.includes(FLEET_LOG_LINE))).toEqual([true, true]);
    // Its own event type's handler too (the dashboards list it: event-types-prop.test.ts).
    expect(processors.map((bundle) => bundle.includes(`"${FLEET_EVENT_TYPE}"`))).toEqual([true, true]);
  });

  it.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['Serverless', () => new ServerlessChecks()],
  ] as const)('has no unacknowledged %s finding', (_pack, pack) => {
    // Prepare
    const { stack } = buildCustomApp(fastApp());

    // Act
    const report = pack().validateScope(stack);

    // Assess
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  describe.each(PIPELINES)('%s', (_name, expected) => {
    it.each(Object.entries(expected))(
      "the %s role allows exactly the grant table's actions, and can make every call of it",
      (_role, grants) => {
        // Prepare
        const resolved = resolveTemplate(template);

        // Act
        const { statements, granted, wanted, refused } = roleAgainstTable(resolved, grants);

        // Assess
        for (const statement of statements) {
          expect(Object.keys(statement).sort()).toEqual(['Action', 'Effect', 'Resource']);
          expect(statement.Effect).toBe('Allow');
        }
        expect(granted).toEqual(wanted);
        expect(refused).toEqual([]);
      },
    );
  });

  it("has no role but the four functions' and the two archives', and no managed policy", () => {
    // Prepare
    const tableRoles = PIPELINES.flatMap(([, expected]) =>
      Object.values(expected).map((e) => resourceByPrefix(template, 'AWS::IAM::Role', e.roleLogicalIdPrefix).logicalId),
    );

    // Act
    const roles = template.findResources('AWS::IAM::Role') as Record<string, { Properties: Record<string, unknown> }>;

    // Assess
    expect(Object.keys(roles).sort()).toEqual(tableRoles.sort());
    for (const role of Object.values(roles)) expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
  });

  it("derives the names that must be unique from each construct's id", () => {
    // Prepare
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard')).map(
      (r) => (r as { Properties: { DashboardName: string } }).Properties.DashboardName,
    );

    // Act
    const namespaces = ['Fleet', 'Audit'].map((prefix) => processorEnvironment(prefix)[ENV.METRICS_NAMESPACE]);

    // Assess
    expect(dashboards.sort()).toEqual([`${CUSTOM_STACK}-Audit`, `${CUSTOM_STACK}-Fleet`]);
    expect(namespaces).toEqual([`SmartcarWebhooks/${CUSTOM_STACK}/Fleet`, `SmartcarWebhooks/${CUSTOM_STACK}/Audit`]);
  });

  it('gives each pipeline its own archive, written by its own processor and alarming on its own topic', () => {
    // Prepare
    const streams = ['Fleet', 'Audit'].map((prefix) =>
      resourceByPrefix(template, 'AWS::KinesisFirehose::DeliveryStream', `${prefix}ArchiveStream`),
    );
    const buckets = ['Fleet', 'Audit'].map((prefix) =>
      resourceByPrefix(template, 'AWS::S3::Bucket', `${prefix}ArchiveBucket`),
    );

    // Act
    const streamNames = ['Fleet', 'Audit'].map((prefix) => processorEnvironment(prefix)[ENV.ARCHIVE_STREAM_NAME]);
    const alarmTopics = ['Fleet', 'Audit'].map(
      (prefix) =>
        resourceByPrefix(template, 'AWS::CloudWatch::Alarm', `${prefix}ArchiveArchiveFailed`).properties.AlarmActions,
    );

    // Assess
    expect(Object.keys(template.findResources('AWS::KinesisFirehose::DeliveryStream'))).toHaveLength(2);
    expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toHaveLength(2);
    expect(streamNames).toEqual(streams.map((stream) => ({ Ref: stream.logicalId })));
    expect(alarmTopics).toEqual(
      ['Fleet', 'Audit'].map((prefix) => [
        { Ref: resourceByPrefix(template, 'AWS::SNS::Topic', `${prefix}MonitoringAlarmTopic`).logicalId },
      ]),
    );
    for (const bucket of buckets) {
      const destination = streams[buckets.indexOf(bucket)]!.properties.ExtendedS3DestinationConfiguration as {
        BucketARN: unknown;
      };
      expect(destination.BucketARN).toEqual({ 'Fn::GetAtt': [bucket.logicalId, 'Arn'] });
    }
  });

  it("merges each pipeline's overrides over the defaults and keeps the rest", () => {
    // Prepare
    const fleetProcessor = resourceByPrefix(
      template,
      'AWS::Lambda::Function',
      'FleetProcessingProcessorFunction',
    ).properties;
    const fleetQueue = resourceByPrefix(template, 'AWS::SQS::Queue', 'FleetProcessingQueue').properties;
    const auditQueue = resourceByPrefix(template, 'AWS::SQS::Queue', 'AuditProcessingQueue').properties;
    const fleetAlarm = resourceByPrefix(template, 'AWS::CloudWatch::Alarm', 'FleetMonitoringReceiverErrors').properties;
    const auditAlarm = resourceByPrefix(template, 'AWS::CloudWatch::Alarm', 'AuditMonitoringReceiverErrors').properties;
    const fleetArchiveAlarm = resourceByPrefix(
      template,
      'AWS::CloudWatch::Alarm',
      'FleetArchiveArchiveFailed',
    ).properties;
    const auditArchiveAlarm = resourceByPrefix(
      template,
      'AWS::CloudWatch::Alarm',
      'AuditArchiveArchiveFailed',
    ).properties;
    const archiveOf = (prefix: string) => {
      const stream = resourceByPrefix(
        template,
        'AWS::KinesisFirehose::DeliveryStream',
        `${prefix}ArchiveStream`,
      ).properties;
      const bucket = resourceByPrefix(template, 'AWS::S3::Bucket', `${prefix}ArchiveBucket`).properties;
      const [rule] = (bucket.LifecycleConfiguration as { Rules: { ExpirationInDays: number }[] }).Rules;
      return {
        buffering: (stream.ExtendedS3DestinationConfiguration as { BufferingHints: unknown }).BufferingHints,
        expiration: rule?.ExpirationInDays,
      };
    };

    // Act
    const fleetEnv = processorEnvironment('Fleet');
    const auditEnv = processorEnvironment('Audit');

    // Assess: the Fleet's function, redrive and alarms; the Audit's retention; the secure rest
    expect(fleetProcessor.MemorySize).toBe(1024);
    expect(fleetEnv).toMatchObject({ FLEET_NAME: 'north', [ENV.MAX_RECEIVE_COUNT]: '5' });
    expect(fleetEnv).toHaveProperty(ENV.IDEMPOTENCY_TABLE_NAME);
    expect((fleetQueue.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount).toBe(5);
    expect([fleetAlarm.EvaluationPeriods, fleetAlarm.DatapointsToAlarm]).toEqual([3, 2]);
    expect([auditAlarm.EvaluationPeriods, auditAlarm.DatapointsToAlarm]).toEqual([1, 1]);
    expect(auditQueue.MessageRetentionPeriod).toBe(7 * 86_400);
    expect(fleetQueue.MessageRetentionPeriod).toBe(4 * 86_400);
    expect(auditQueue.SqsManagedSseEnabled).toBe(true);
    expect(auditEnv).not.toHaveProperty(ENV.VEHICLE_STATE_TABLE_NAME);
    expect([fleetArchiveAlarm.EvaluationPeriods, fleetArchiveAlarm.DatapointsToAlarm]).toEqual([3, 2]);
    expect([auditArchiveAlarm.EvaluationPeriods, auditArchiveAlarm.DatapointsToAlarm]).toEqual([1, 1]);
    expect(archiveOf('Fleet')).toEqual({ buffering: { IntervalInSeconds: 300, SizeInMBs: 64 }, expiration: 365 });
    expect(archiveOf('Audit')).toEqual({ buffering: { IntervalInSeconds: 60, SizeInMBs: 64 }, expiration: 30 });
  });

  it("shares one AMT secret and keeps one vehicle-state table, the Fleet's", () => {
    // Act
    const secrets = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    const tables = Object.keys(template.findResources('AWS::DynamoDB::Table'));

    // Assess
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toMatch(/^FleetAmtSecret/);
    expect(tables.filter((id) => id.includes('VehicleStateTable'))).toEqual([
      expect.stringMatching(/^FleetProcessingVehicleStateTable/),
    ]);
    expect(tables.filter((id) => id.includes('IdempotencyTable'))).toHaveLength(2);
  });
});

describe('SmartcarWebhookReceiver props', () => {
  it("are checked first, by the settings table's parser", () => {
    // Act
    const build = () => new SmartcarWebhookReceiver(new Stack(fastApp(), 'S'), 'Bad', { maxReceiveCount: 0 });

    // Assess
    expect(build).toThrow(ConfigError);
    expect(build).toThrow('Invalid context "maxReceiveCount"');
  });

  it("check the archive's buffering against Firehose's bounds", () => {
    // Act
    const build = () =>
      new SmartcarWebhookReceiver(new Stack(fastApp(), 'S'), 'Slow', {
        archiveProps: { bufferingIntervalSeconds: 901 },
      });

    // Assess
    expect(build).toThrow(InvalidPropsError);
    expect(build).toThrow('Invalid props "bufferingIntervalSeconds"');
  });

  it('leave the archive out with archive: false', () => {
    // Prepare
    const stack = new Stack(fastApp(), 'S');

    // Act
    const pipeline = new SmartcarWebhookReceiver(stack, 'NoArchive', { archive: false });

    // Assess
    expect(pipeline.archive).toBeUndefined();
    expect(Template.fromStack(stack).findResources('AWS::KinesisFirehose::DeliveryStream')).toEqual({});
  });

  it('refuse to leave out the vehicle-state store under the example handlers, which need it', () => {
    // Act
    const build = () => new SmartcarWebhookReceiver(new Stack(fastApp(), 'S'), 'NoStore', { vehicleStateStore: false });

    // Assess
    expect(build).toThrow(InvalidPropsError);
    expect(build).toThrow('Invalid props "vehicleStateStore"');
  });
});
