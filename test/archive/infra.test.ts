import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV, METRIC } from '../../lambda/core/constants.ts';
import { readConfig } from '../../lib/config.ts';
import { ARCHIVE_DEFAULTS } from '../../lib/defaults.ts';
import { STACK_OUTPUTS } from '../../lib/stack-outputs.ts';
import { createResolver, roleStatements, type TemplateJson } from '../helpers/policy-evaluator.ts';
import { fastApp, logicalId, resourceByPrefix, templateFor } from '../infra/helpers.ts';
import { ARCHIVE_IAM_EXPECTED } from '../infra/iam-expected.ts';

type Rule = {
  Id: string;
  Status: string;
  ExpirationInDays: number;
  Transitions?: Array<{ StorageClass: string; TransitionInDays: number }>;
};

describe('archive infrastructure', () => {
  it('keeps the bucket private, encrypted, TLS-only, unversioned and retained', () => {
    // Prepare
    const template = templateFor();

    // Act
    const bucket = resourceByPrefix(template, 'AWS::S3::Bucket', 'ArchiveBucket');
    const policy = resourceByPrefix(template, 'AWS::S3::BucketPolicy', 'ArchiveBucketPolicy').properties;

    // Assess
    expect(bucket.properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(bucket.properties).not.toHaveProperty('VersioningConfiguration');
    expect(template.toJSON().Resources[bucket.logicalId]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(JSON.stringify(policy)).toContain('"aws:SecureTransport":"false"');
  });

  it('moves objects to Standard-IA after 30 days and expires them after archiveRetentionDays (365 by default)', () => {
    // Prepare
    const rulesOf = (context: Record<string, unknown>) =>
      (
        resourceByPrefix(templateFor(context), 'AWS::S3::Bucket', 'ArchiveBucket').properties
          .LifecycleConfiguration as { Rules: Rule[] }
      ).Rules;

    // Act
    const [byDefault] = rulesOf({});
    const [twoYears] = rulesOf({ archiveRetentionDays: '730' });
    const [short] = rulesOf({ archiveRetentionDays: 30 });

    // Assess
    expect(byDefault).toMatchObject({
      Status: 'Enabled',
      ExpirationInDays: ARCHIVE_DEFAULTS.retentionDays,
      Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
    });
    expect(twoYears?.ExpirationInDays).toBe(730);
    // Standard-IA bills 30 days at least: no transition for objects that expire soon after it.
    expect(short).toMatchObject({ ExpirationInDays: 30 });
    expect(short?.Transitions).toBeUndefined();
  });

  it('stores the Direct PUT records as sent (already GZIP) in .gz objects, by UTC hour, encrypted, with errors logged', () => {
    // Prepare
    const template = templateFor();
    const bucket = logicalId(template, 'AWS::S3::Bucket', 'ArchiveBucket');
    const role = logicalId(template, 'AWS::IAM::Role', 'ArchiveDeliveryRole');

    // Act
    const stream = resourceByPrefix(template, 'AWS::KinesisFirehose::DeliveryStream', 'ArchiveStream').properties;

    // Assess
    expect(stream).toMatchObject({
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: {
        BucketARN: { 'Fn::GetAtt': [bucket, 'Arn'] },
        RoleARN: { 'Fn::GetAtt': [role, 'Arn'] },
        CompressionFormat: 'UNCOMPRESSED',
        FileExtension: '.gz',
        Prefix: 'events/!{timestamp:yyyy/MM/dd/HH}/',
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
        BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 64 },
        CloudWatchLoggingOptions: { Enabled: true },
      },
    });
    expect(stream.ExtendedS3DestinationConfiguration).not.toHaveProperty('DynamicPartitioningConfiguration');
    expect(stream.ExtendedS3DestinationConfiguration).not.toHaveProperty('ProcessingConfiguration');
  });

  it('lets Firehose alone assume the delivery role, for this account only, with exactly the grant table', () => {
    // Prepare
    const template = templateFor();
    const json = template.toJSON() as TemplateJson;
    const resolver = createResolver(json, { stackName: 'SmartcarWebhooks-test' });
    const expected = ARCHIVE_IAM_EXPECTED.delivery;
    const role = logicalId(template, 'AWS::IAM::Role', expected.roleLogicalIdPrefix);
    const arnOf = (r: (typeof expected.grants)[number]['resource']) =>
      resolver.getAtt(logicalId(template, r.type, r.logicalIdPrefix), r.arnAttribute ?? 'Arn') +
      ('arnSuffix' in r ? r.arnSuffix : '');

    // Act
    const granted = roleStatements(json, role, resolver)
      .flatMap((s) =>
        [s.Action ?? []].flat().flatMap((a) => [s.Resource ?? []].flat().map((r) => `${s.Effect} ${a} ${r}`)),
      )
      .sort();
    const trust = (json.Resources![role]!.Properties as { AssumeRolePolicyDocument: unknown }).AssumeRolePolicyDocument;

    // Assess
    expect(granted).toEqual(expected.grants.map((g) => `Allow ${g.action} ${arnOf(g.resource)}`).sort());
    expect(granted.join('\n')).not.toMatch(/s3:Delete|s3:PutObjectAcl|s3:PutLifecycle/);
    expect(trust).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: expected.trustedService },
          Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
  });

  it('has an alarm on archive failures and one on stalled S3 delivery, both notifying the alarm topic, and a dashboard row', () => {
    // Prepare
    const template = templateFor();
    const topic = logicalId(template, 'AWS::SNS::Topic', 'MonitoringAlarmTopic');

    // Act
    const failed = resourceByPrefix(template, 'AWS::CloudWatch::Alarm', 'ArchiveArchiveFailed').properties;
    const stalled = resourceByPrefix(template, 'AWS::CloudWatch::Alarm', 'ArchiveArchiveDeliveryStalled').properties;
    const dashboard = JSON.stringify(
      resourceByPrefix(template, 'AWS::CloudWatch::Dashboard', 'Dashboard').properties.DashboardBody,
    );

    // Assess
    expect(failed).toMatchObject({
      MetricName: METRIC.ARCHIVE_FAILED,
      Namespace: 'SmartcarWebhooks/dev',
      Threshold: 0,
      AlarmActions: [{ Ref: topic }],
      OKActions: [{ Ref: topic }],
    });
    expect(stalled).toMatchObject({
      MetricName: 'DeliveryToS3.DataFreshness',
      Namespace: 'AWS/Firehose',
      Statistic: 'Maximum',
      Threshold: 900,
    });
    expect(dashboard).toContain(METRIC.EVENT_ARCHIVED);
    expect(dashboard).toContain(METRIC.EVENT_REPLAYED);
    expect(dashboard).toContain('DeliveryToS3.DataFreshness');
  });

  it('names the bucket in an output for npm run replay', () => {
    // Prepare
    const template = templateFor();

    // Act
    const outputs = template.findOutputs(STACK_OUTPUTS.ARCHIVE_BUCKET_NAME);

    // Assess
    expect(Object.values(outputs)[0]).toMatchObject({
      Value: { Ref: logicalId(template, 'AWS::S3::Bucket', 'ArchiveBucket') },
    });
  });

  it('leaves all of it out with archive=false: no stream, role, grant, variable, alarms or output, and only the quarantine bucket', () => {
    // Prepare
    const withArchive = templateFor();

    // Act
    const template = templateFor({ archive: 'false' });

    // Assess: the one bucket left is the quarantine's own (docs/quarantine.md)
    expect(template.findResources('AWS::KinesisFirehose::DeliveryStream')).toEqual({});
    expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toEqual([
      expect.stringMatching(/^QuarantineBucket/),
    ]);
    expect(Object.keys(template.findResources('AWS::IAM::Role'))).toHaveLength(
      Object.keys(withArchive.findResources('AWS::IAM::Role')).length - 1,
    );
    expect(JSON.stringify(template.toJSON())).not.toContain('firehose:');
    const processor = resourceByPrefix(template, 'AWS::Lambda::Function', 'ProcessingProcessor').properties;
    expect((processor.Environment as { Variables: Record<string, unknown> }).Variables).not.toHaveProperty(
      ENV.ARCHIVE_STREAM_NAME,
    );
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(
      Object.keys(withArchive.findResources('AWS::CloudWatch::Alarm')).length - 2,
    );
    expect(template.findOutputs(STACK_OUTPUTS.ARCHIVE_BUCKET_NAME)).toEqual({});
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardBody: Match.anyValue() });
  });

  it.each([
    [{ archive: 'no' }, /archive/],
    [{ archiveRetentionDays: 0 }, /archiveRetentionDays/],
    [{ archiveRetentionDays: ARCHIVE_DEFAULTS.maxRetentionDays + 1 }, /archiveRetentionDays/],
  ])('refuses %j at synth', (context, message) => {
    // Prepare
    const app = fastApp(context);

    // Act
    const read = () => readConfig(app.node);

    // Assess
    expect(read).toThrow(message);
  });
});
