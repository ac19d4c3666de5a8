import { Aspects, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_METRICS_NAMESPACE } from '../lambda/core/constants.ts';
import { CONTEXT_KEYS, parseSettings } from './config.ts';
import { AmtSecret } from './constructs/amt-secret.ts';
import { type ArchiveOverrides, EventArchive } from './constructs/archive.ts';
import { archiveBucket } from './constructs/archive-bucket.ts';
import { WebhookDashboard } from './constructs/dashboard.ts';
import { PipelineKey } from './constructs/encryption.ts';
import { EncryptLogGroups } from './constructs/encryption-props.ts';
import type { FunctionOverrides } from './constructs/function-with-log-group.ts';
import { createIngress, receiverReservedConcurrencyFor } from './constructs/ingress.ts';
import { DEFAULT_INGRESS, type FrontDoor } from './constructs/ingress-types.ts';
import { type AlarmOverrides, Monitoring } from './constructs/monitoring.ts';
import { Processing } from './constructs/processing.ts';
import { ReceiverFunction } from './constructs/receiver-function.ts';
import { SavedQueries } from './constructs/saved-queries.ts';
import { ARCHIVE_DEFAULTS } from './defaults.ts';
import { checkEventTypes } from './event-types-prop.ts';
import { SETTINGS, type SettingValues } from './settings/table.ts';
import { STACK_OUTPUTS } from './stack-outputs.ts';
import type { MonitoredResources } from './types.ts';

/**
 * Properties of {@link SmartcarWebhookReceiver}: every setting of the settings table except
 * `stage` (each with the table's default; README "Configuration"), plus what only code can give.
 */
export interface SmartcarWebhookReceiverProps extends Omit<SettingValues, 'stage'> {
  /**
   * The processor's entry file, exporting `handler`: your own business handlers, anywhere in your
   * project, calling `createProcessor` of `smartcar-webhook-receiver/processor` (see
   * `test/fixtures/consumer-app/handler.ts`).
   * @default lambda/processor/index.ts (the example handlers)
   */
  readonly processorEntry?: string;
  /**
   * An existing secret holding the AMT (takes precedence over `amtSecretArn`).
   * @default - `amtSecretArn` imported, else a new secret holding AMT_SECRET_PLACEHOLDER
   */
  readonly existingAmtSecretObj?: ISecret;
  /**
   * Create the example handlers' vehicle-state table. `false` needs a `processorEntry` that keeps
   * no vehicle state; the processor then gets no grant or variable for it.
   * @default true
   */
  readonly vehicleStateStore?: boolean;
  /** Merged over the main queue's props (SSE-SQS, TLS only, 1 MiB, 4 days, derived visibility). @default - none */
  readonly queueProps?: Partial<Omit<QueueProps, 'deadLetterQueue'>>;
  /** Merged over the DLQ's props (SSE-SQS, TLS only, 1 MiB, 14 days). @default - none */
  readonly deadLetterQueueProps?: Partial<QueueProps>;
  /** `NodejsFunction` props merged over the receiver's. @default - none */
  readonly receiverFunctionProps?: FunctionOverrides;
  /** `NodejsFunction` props merged over the processor's (its timeout also sets the queue's visibility). @default - none */
  readonly processorFunctionProps?: FunctionOverrides;
  /** Props merged over every alarm's (periods to alarm, missing data), the archive's too. @default ALARM_PROPS_DEFAULTS */
  readonly alarmProps?: AlarmOverrides;
  /**
   * Merged over the archive's props (Firehose buffering; ignored with `archive: false`). Whether
   * there is an archive is `archive`, its retention `archiveRetentionDays`.
   * @default ARCHIVE_PROPS_DEFAULTS
   */
  readonly archiveProps?: ArchiveOverrides;
  /**
   * CloudWatch namespace of the custom metrics (unique per pipeline, or two would add up).
   * @default `SmartcarWebhooks/<stack name>/<construct id>`
   */
  readonly metricsNamespace?: string;
  /**
   * Name of the dashboard (unique per account and Region).
   * @default `<stack name>-<construct id>`
   */
  readonly dashboardName?: string;
  /**
   * The event types the dashboard draws by type and the `VehicleErrorShare` and
   * `HandlerFailureRate` alarms add up: the
   * built-in ones plus each type your `processorEntry` has a handler for (say
   * `[...EVENT_TYPES, 'EXAMPLE_EVENT']`). Upper snake case, distinct, at most 9, every type of
   * `EVENT_TYPES` included, no `VERIFY`. The functions need no list: the receiver enqueues and
   * counts every type, the processor parses every type it has a handler for.
   * @default EVENT_TYPES (lambda/core/event-types.ts)
   */
  readonly eventTypes?: readonly string[];
  /**
   * Emit the stack outputs the CLIs read (`smartcar-webhooks send|dlq|replay|smoke --stack S`):
   * the keys of `STACK_OUTPUTS` (`WebhookUrl`, `QueueUrl`, `DeadLetterQueueUrl`,
   * `ArchiveBucketName`, ...), each prefixed with the construct's id (`FleetQueueUrl`), or bare
   * for the id `Default` (`SmartcarWebhookStack`'s). The CLIs find a stack's one pipeline by
   * itself; with several, `--pipeline <id>` picks one. `false` emits none.
   * @default true
   */
  readonly outputs?: boolean;
}

/**
 * The whole webhook pipeline as one construct: front door → receiver → queue → processor → DLQ,
 * with the AMT secret, the archive (Firehose to S3, unless `archive: false`), alarms and a dashboard, on secure defaults (`lib/defaults.ts`) with the
 * caller's props merged over them. Several can live in one stack: the names that must be unique
 * derive from the construct's id, and so do its outputs' keys (`outputs`).
 *
 * @example
 * ```ts
 * const fleet = new SmartcarWebhookReceiver(stack, 'Fleet', {
 *   processorEntry: join(import.meta.dirname, 'handlers/index.ts'),
 *   maxReceiveCount: 5,
 *   alarmEmail: 'ops@example.com',
 * });
 * // Outputs FleetWebhookUrl, FleetQueueUrl, ...: `smartcar-webhooks dlq --stack <stack name>` finds them.
 * ```
 */
export class SmartcarWebhookReceiver extends Construct {
  /** The AMT secret, created or imported. */
  public readonly amtSecret: AmtSecret;
  /** The queues, the processor and its tables. */
  public readonly processing: Processing;
  /** The receiver function. */
  public readonly receiver: ReceiverFunction;
  /** The front door (`ingress`). */
  public readonly ingress: FrontDoor;
  /** The alarm topic and the alarms. */
  public readonly monitoring: Monitoring;
  /** The dashboard. */
  public readonly dashboard: WebhookDashboard;
  /** The runbook's saved Logs Insights queries, in a folder named as the dashboard. */
  public readonly savedQueries: SavedQueries;
  /** The archive; undefined with `archive: false`. */
  public readonly archive?: EventArchive;
  /** Where the receiver quarantines signed deliveries it cannot process: the archive's bucket, or its own. */
  public readonly quarantineBucket: Bucket;
  /** The namespace of its custom metrics. */
  public readonly metricsNamespace: string;
  /** The customer managed key (`encryptionKey`), if any. */
  public readonly encryption: PipelineKey;

  public constructor(scope: Construct, id: string, props: SmartcarWebhookReceiverProps = {}) {
    super(scope, id);
    // Props checked first, by the settings table's parser (the same errors as `cdk synth -c`).
    const settings = parseSettings(
      Object.fromEntries(CONTEXT_KEYS.filter((k) => k !== 'stage').map((k) => [k, props[k]])),
    );
    const eventTypes = checkEventTypes(props.eventTypes);
    const { stackName } = Stack.of(this);
    const name = id.replace(/[^A-Za-z0-9_-]/g, '-');
    this.metricsNamespace = props.metricsNamespace ?? `${DEFAULT_METRICS_NAMESPACE}/${stackName}/${name}`;
    const ingressKind = settings.ingress ?? DEFAULT_INGRESS;
    const { removalPolicy, logLevel, logRetentionDays: logRetention } = settings;

    this.encryption = new PipelineKey(this, 'Encryption', {
      setting: settings.encryptionKey,
      removalPolicy,
      aliasName: `${stackName}/${name}`,
    });
    const encryptionKey = this.encryption.key;
    // Every log group of the pipeline, the front doors' included, and any a later construct adds.
    if (encryptionKey) Aspects.of(this).add(new EncryptLogGroups(encryptionKey));

    this.amtSecret = new AmtSecret(this, 'AmtSecret', {
      existingSecretObj: props.existingAmtSecretObj,
      existingSecretArn: settings.amtSecretArn,
      removalPolicy,
      encryptionKey,
    });

    this.processing = new Processing(this, 'Processing', {
      metricsNamespace: this.metricsNamespace,
      entry: props.processorEntry,
      functionProps: props.processorFunctionProps,
      queueProps: props.queueProps,
      deadLetterQueueProps: props.deadLetterQueueProps,
      vehicleStateStore: props.vehicleStateStore,
      memorySize: settings.processorMemoryMb,
      timeout: seconds(settings.processorTimeoutSeconds),
      batchSize: settings.batchSize,
      maxBatchingWindow: seconds(settings.maxBatchingWindowSeconds),
      maxConcurrency: settings.maxConcurrency,
      maxReceiveCount: settings.maxReceiveCount,
      futureToleranceSeconds: settings.futureToleranceSeconds,
      logLevel,
      logRetention,
      removalPolicy,
      encryptionKey,
    });

    this.receiver = new ReceiverFunction(this, 'Receiver', {
      queue: this.processing.queue,
      secret: this.amtSecret.secret,
      metricsNamespace: this.metricsNamespace,
      functionProps: props.receiverFunctionProps,
      errorCallbackPath: settings.errorPath,
      memorySize: settings.receiverMemoryMb,
      timeout: seconds(settings.receiverTimeoutSeconds),
      reservedConcurrentExecutions: receiverReservedConcurrencyFor(ingressKind, settings.receiverReservedConcurrency),
      deliveryToleranceSeconds: settings.deliveryToleranceSeconds,
      logLevel,
      logRetention,
      removalPolicy,
    });

    this.ingress = createIngress(this, 'Ingress', {
      kind: ingressKind,
      receiver: this.receiver.function,
      receiverReservedConcurrency: settings.receiverReservedConcurrency,
      wafRateLimitPerMinute: settings.wafRateLimit,
      customDomain:
        settings.domainName && settings.certificateArn
          ? { domainName: settings.domainName, certificateArn: settings.certificateArn }
          : undefined,
      dataPath: settings.dataPath,
      errorPath: settings.errorPath,
      throttleRateLimit: settings.throttleRateLimit,
      throttleBurstLimit: settings.throttleBurstLimit,
      logRetention,
      removalPolicy,
    });

    const monitored: MonitoredResources = {
      metricsNamespace: this.metricsNamespace,
      frontDoor: this.ingress,
      receiver: this.receiver.function,
      processor: this.processing.function,
      queue: this.processing.queue,
      deadLetterQueue: this.processing.deadLetterQueue,
      eventTypes,
    };

    this.monitoring = new Monitoring(this, 'Monitoring', {
      ...monitored,
      alarmEmail: settings.alarmEmail,
      thresholds: settings.alarmThresholds,
      alarmProps: props.alarmProps,
      encryptionKey,
    });

    if (settings.archive ?? SETTINGS.archive.default) {
      this.archive = new EventArchive(this, 'Archive', {
        ...props.archiveProps,
        producer: this.processing.function,
        metricsNamespace: this.metricsNamespace,
        alarmTopic: this.monitoring.topic,
        retentionDays: settings.archiveRetentionDays,
        thresholds: settings.alarmThresholds,
        alarmProps: props.alarmProps,
        logRetention,
        removalPolicy,
        encryptionKey,
      });
      // Before the dashboard is built: its alarm status widget lists every alarm of the pipeline.
      this.monitoring.alarms.push(...this.archive.alarms);
    }
    // The quarantine (docs/quarantine.md): `quarantine/` of the archive bucket, or a bucket of its
    // own, on the same settings, when there is no archive: signed bodies are kept either way.
    this.quarantineBucket =
      this.archive?.bucket ??
      archiveBucket(
        new Construct(this, 'Quarantine'),
        settings.archiveRetentionDays ?? ARCHIVE_DEFAULTS.retentionDays,
        encryptionKey,
      );
    this.receiver.quarantineTo(this.quarantineBucket, encryptionKey);

    const dashboardName = props.dashboardName ?? `${stackName}-${name}`;
    this.dashboard = new WebhookDashboard(this, 'Dashboard', {
      ...monitored,
      dashboardName,
      alarms: this.monitoring.alarms,
      alarmGraphs: this.monitoring.silentDropAlarms,
    });
    if (this.archive) this.dashboard.dashboard.addWidgets(...this.archive.widgets);
    this.savedQueries = new SavedQueries(this, 'SavedQueries', {
      folder: dashboardName,
      receiverLogGroup: this.receiver.logGroup,
      processorLogGroup: this.processing.logGroup,
    });
    if (props.outputs ?? true) this.addOutputs(id, settings.domainName);
  }

  /**
   * The outputs the CLIs look up (`STACK_OUTPUTS`), keyed `<id><key>`: CDK would add a hash to
   * a nested output's logical id, and the CLIs find a pipeline by its prefix. The id `Default`
   * adds none (CDK leaves it out of paths), so `SmartcarWebhookStack` keeps its recorded keys.
   */
  private addOutputs(id: string, domainName: string | undefined): void {
    const prefix = id === 'Default' ? '' : id.replace(/[^A-Za-z0-9]/g, '');
    const outputs: Record<string, { value: string; description: string }> = {
      [STACK_OUTPUTS.WEBHOOK_URL]: {
        value: this.ingress.dataUrl,
        description: 'Smartcar Dashboard: "Vehicle data callback URI"',
      },
      [STACK_OUTPUTS.ERROR_CALLBACK_URL]: {
        value: this.ingress.errorUrl,
        description: 'Smartcar Dashboard: optional "Vehicle error callback URI"',
      },
      [STACK_OUTPUTS.AMT_SECRET_ARN]: {
        value: this.amtSecret.secret.secretArn,
        description: 'Put the AMT here (README "Put the AMT in the secret")',
      },
      [STACK_OUTPUTS.DASHBOARD_URL]: { value: this.dashboard.url, description: 'CloudWatch dashboard' },
      [STACK_OUTPUTS.QUEUE_URL]: { value: this.processing.queue.queueUrl, description: 'Main queue' },
      [STACK_OUTPUTS.DEAD_LETTER_QUEUE_URL]: {
        value: this.processing.deadLetterQueue.queueUrl,
        description: 'Dead-letter queue (npm run dlq)',
      },
      [STACK_OUTPUTS.ALARM_TOPIC_ARN]: { value: this.monitoring.topic.topicArn, description: 'Alarm topic' },
      [STACK_OUTPUTS.IDEMPOTENCY_TABLE_NAME]: {
        value: this.processing.idempotencyTable.tableName,
        description: 'Processed eventIds (npm run smoke waits for its event here)',
      },
      [STACK_OUTPUTS.PROCESSOR_LOG_GROUP_NAME]: {
        value: this.processing.logGroup.logGroupName,
        description: "The processor's logs (npm run dlq -- list --errors finds each event's last error here)",
      },
    };
    if (this.archive) {
      outputs[STACK_OUTPUTS.ARCHIVE_BUCKET_NAME] = {
        value: this.archive.bucket.bucketName,
        description: 'Every delivery, by UTC hour under events/ (npm run replay reads it)',
      };
    }
    outputs[STACK_OUTPUTS.QUARANTINE_BUCKET_NAME] = {
      value: this.quarantineBucket.bucketName,
      description: 'Signed deliveries that could not be processed, under quarantine/ (npm run quarantine reads it)',
    };
    if (this.ingress.customDomainTarget) {
      outputs[STACK_OUTPUTS.CUSTOM_DOMAIN_TARGET] = {
        value: this.ingress.customDomainTarget,
        description: `Point ${domainName} here (DNS CNAME, or a Route 53 alias)`,
      };
    }
    for (const [key, output] of Object.entries(outputs)) {
      new CfnOutput(this, key, output).overrideLogicalId(`${prefix}${key}`);
    }
  }
}

function seconds(value: number | undefined): Duration | undefined {
  return value === undefined ? undefined : Duration.seconds(value);
}
