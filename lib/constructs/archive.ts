import { Aws, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, type AlarmProps, ComparisonOperator, GraphWidget, type IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type CfnDeliveryStream, DeliveryStream, StreamEncryption } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, LogStream, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ARCHIVE_DATA_PREFIX, ARCHIVE_ERROR_PREFIX } from '../../lambda/core/archive-layout.ts';
import { ENV, METRIC, SERVICE } from '../../lambda/core/constants.ts';
import { ALARM_DEFAULTS, ALARM_PERIOD_MINUTES } from '../alarm-defaults.ts';
import { ARCHIVE_DEFAULTS, RESOURCE_DEFAULTS } from '../defaults.ts';
import { serviceMetric } from '../metrics.ts';
import { overrideProps } from '../override-props.ts';
import type { AlarmThresholds } from '../types.ts';
import { archiveBucket } from './archive-bucket.ts';
import { checkBuffering } from './archive-buffering.ts';
import { ArchiveS3Destination } from './archive-destination.ts';
import { deliveryStreamEncryption } from './encryption-props.ts';
import type { AlarmOverrides } from './monitoring.ts';
import { ALARM_PROPS_DEFAULTS } from './monitoring.ts';

/** Properties of {@link EventArchive}. */
export interface EventArchiveProps {
  /** The function that archives every batch: it gets `firehose:PutRecordBatch` and `ARCHIVE_STREAM_NAME`. */
  readonly producer: LambdaFunction;
  /** CloudWatch namespace of the custom metrics (the pipeline's). */
  readonly metricsNamespace: string;
  /** Where the archive's alarms notify. */
  readonly alarmTopic: ITopic;
  /**
   * Days an archive object is kept.
   * @default ARCHIVE_DEFAULTS.retentionDays (365)
   */
  readonly retentionDays?: number;
  /**
   * Firehose writes an object at least this often, in seconds (0 to 900).
   * @default ARCHIVE_DEFAULTS.bufferingIntervalSeconds (300)
   */
  readonly bufferingIntervalSeconds?: number;
  /**
   * ... or once this many MiB (uncompressed) have arrived (1 to 128).
   * @default ARCHIVE_DEFAULTS.bufferingSizeMiB (64)
   */
  readonly bufferingSizeMiB?: number;
  /**
   * Alarm thresholds (`archiveFailed`, `archiveDataFreshnessSeconds`).
   * @default ALARM_DEFAULTS
   */
  readonly thresholds?: Partial<Pick<AlarmThresholds, 'archiveFailed' | 'archiveDataFreshnessSeconds'>>;
  /**
   * Props merged over both alarms' (periods to alarm, missing data), as for the pipeline's others.
   * @default ALARM_PROPS_DEFAULTS
   */
  readonly alarmProps?: AlarmOverrides;
  /**
   * Retention of the delivery error log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Removal policy of the delivery error log group. The bucket is always retained.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The pipeline's customer managed key: the bucket (SSE-KMS with an S3 Bucket Key) and the
   * stream's server-side encryption use it, and the delivery role may use it through S3 only.
   * @default - none: SSE-S3 and Firehose's AWS-owned key
   */
  readonly encryptionKey?: IKey;
}

/** Default props of `EventArchive` (the bucket is always retained: it is the recovery copy). */
export const ARCHIVE_PROPS_DEFAULTS = {
  retentionDays: ARCHIVE_DEFAULTS.retentionDays,
  bufferingIntervalSeconds: ARCHIVE_DEFAULTS.bufferingIntervalSeconds,
  bufferingSizeMiB: ARCHIVE_DEFAULTS.bufferingSizeMiB,
  ...RESOURCE_DEFAULTS,
} as const satisfies Partial<EventArchiveProps>;

/** What a `SmartcarWebhookReceiver` caller may set on its archive (`archiveProps`); the retention is `archiveRetentionDays`. */
export type ArchiveOverrides = Partial<Pick<EventArchiveProps, 'bufferingIntervalSeconds' | 'bufferingSizeMiB'>>;

/**
 * Keeps every delivery: a Firehose stream (Direct PUT of gzipped records, one S3 prefix per UTC hour of
 * arrival, `events/YYYY/MM/DD/HH/`) into a private bucket (SSE-S3, or SSE-KMS with an S3 Bucket
 * Key on `encryptionKey`; TLS only, public access
 * blocked, objects owned by the bucket owner), moved to Standard-IA after 30 days and expired
 * after `retentionDays`. The processor writes each batch before its handlers run; `npm run
 * replay` reads it back. Two alarms (archive writes failing, S3 delivery stalled) and a
 * dashboard widget.
 *
 * @example
 * ```ts
 * const archive = new EventArchive(this, 'Archive', { producer: processing.function, metricsNamespace, alarmTopic });
 * dashboard.dashboard.addWidgets(...archive.widgets);
 * ```
 */
export class EventArchive extends Construct {
  public readonly bucket: Bucket;
  public readonly deliveryStream: DeliveryStream;
  /** The role Firehose assumes to write to the bucket. */
  public readonly deliveryRole: Role;
  public readonly alarms: Alarm[] = [];
  /** A row for the pipeline's dashboard. */
  public readonly widgets: IWidget[];

  public constructor(scope: Construct, id: string, userProps: EventArchiveProps) {
    super(scope, id);
    const props = overrideProps(ARCHIVE_PROPS_DEFAULTS, userProps);
    checkBuffering(props.bufferingIntervalSeconds, props.bufferingSizeMiB);
    const { retentionDays } = props;
    const thresholds = { ...ALARM_DEFAULTS, ...props.thresholds };
    const alarmProps = overrideProps(ALARM_PROPS_DEFAULTS, props.alarmProps);

    this.bucket = archiveBucket(this, retentionDays, props.encryptionKey);

    const logGroup = new LogGroup(this, 'DeliveryErrors', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const logStream = new LogStream(this, 'DeliveryErrorStream', { logGroup, removalPolicy: props.removalPolicy });

    // Confused-deputy guard: Firehose assumes the role only on behalf of this account.
    this.deliveryRole = new Role(this, 'DeliveryRole', {
      description: 'Firehose writes the webhook archive to its bucket',
      assumedBy: new ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } },
      }),
    });

    // The object ARNs end in `/events/*` and `/errors/*`: Firehose names each object itself
    // (stream name, time, random suffix), so no narrower resource exists. No Delete action anywhere.
    const stack = Stack.of(this);
    const bucketLogicalId = stack.resolve(stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket)) as string;
    for (const prefix of [ARCHIVE_DATA_PREFIX, ARCHIVE_ERROR_PREFIX]) {
      Validations.of(this.deliveryRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${prefix}*]`,
        reason: `Object-level S3 actions (AbortMultipartUpload, GetObject, PutObject) under ${prefix}, whose object keys Firehose generates; no delete and no bucket-wide object grant.`,
      });
    }

    this.deliveryStream = new DeliveryStream(this, 'Stream', {
      encryption: StreamEncryption.awsOwnedKey(),
      destination: new ArchiveS3Destination({
        bucket: this.bucket,
        role: this.deliveryRole,
        logGroup,
        logStream,
        dataPrefix: `${ARCHIVE_DATA_PREFIX}!{timestamp:yyyy/MM/dd/HH}/`,
        errorPrefix: `${ARCHIVE_ERROR_PREFIX}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/`,
        bufferingIntervalSeconds: props.bufferingIntervalSeconds,
        bufferingSizeMiB: props.bufferingSizeMiB,
        encryptionKey: props.encryptionKey,
      }),
    });
    if (props.encryptionKey) {
      // On the L1: the L2's customerManagedKey() would add an unused role with KMS grants.
      (this.deliveryStream.node.defaultChild as CfnDeliveryStream).deliveryStreamEncryptionConfigurationInput =
        deliveryStreamEncryption(props.encryptionKey);
    }
    // The L2 always adds a mapping of Firehose's CIDR blocks per Region for `connections` (Redshift
    // and HTTP destinations that allow-list Firehose). An S3 destination never uses it, and
    // cfn-lint flags an unused mapping (W7001). A second archive in the stack adds it again and
    // removes it again here.
    Stack.of(this).node.tryRemoveChild('@aws-cdk--aws-kinesisfirehose.CidrBlocks');
    // PutRecordBatch only: the processor never calls PutRecord (grantPutRecords would allow both).
    this.deliveryStream.grant(props.producer, 'firehose:PutRecordBatch');
    props.producer.addEnvironment(ENV.ARCHIVE_STREAM_NAME, this.deliveryStream.deliveryStreamName);

    const period = Duration.minutes(ALARM_PERIOD_MINUTES);
    const processorMetric = (name: string) =>
      serviceMetric(props.metricsNamespace, SERVICE.PROCESSOR, name, { period, label: name });
    const freshness = this.deliveryStream.metric('DeliveryToS3.DataFreshness', {
      statistic: 'Maximum',
      period,
      label: 'S3 data freshness (s)',
    });
    const alarm = (alarmId: string, options: { description: string; metric: Alarm['metric']; threshold: number }) =>
      this.addAlarm(props.alarmTopic, alarmId, { ...alarmProps, ...options });
    alarm('ArchiveFailed', {
      description:
        'The processor could not archive records to Firehose: they were not handled and SQS retries them. Check Firehose throttling (ThrottledRecords) and the processor log.',
      metric: serviceMetric(props.metricsNamespace, SERVICE.PROCESSOR, METRIC.ARCHIVE_FAILED, { period }),
      threshold: thresholds.archiveFailed,
    });
    alarm('ArchiveDeliveryStalled', {
      description:
        "Firehose has not written archived records to S3 for too long: it retries for 24 hours, then drops them. Read the stream's delivery error log group.",
      metric: this.deliveryStream.metric('DeliveryToS3.DataFreshness', { statistic: 'Maximum', period }),
      threshold: thresholds.archiveDataFreshnessSeconds,
    });

    this.widgets = [
      new GraphWidget({
        title: 'Archive: records archived, failed and replayed; Firehose to S3',
        left: [
          processorMetric(METRIC.EVENT_ARCHIVED),
          processorMetric(METRIC.ARCHIVE_FAILED),
          processorMetric(METRIC.EVENT_REPLAYED),
          this.deliveryStream.metric('DeliveryToS3.Records', { statistic: 'Sum', period, label: 'delivered to S3' }),
        ],
        right: [freshness],
        width: 24,
        height: 6,
      }),
    ];
  }

  private addAlarm(
    topic: ITopic,
    id: string,
    { description, ...options }: Omit<AlarmProps, 'alarmDescription' | 'comparisonOperator'> & { description: string },
  ): void {
    const alarm = new Alarm(this, id, {
      ...options,
      alarmDescription: description,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    const action = new SnsAction(topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}
