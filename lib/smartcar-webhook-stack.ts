import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULT_METRICS_NAMESPACE } from '../lambda/core/constants.ts';
import { DEFAULT_STAGE, PROD_STAGE, STACK_NAME_PREFIX } from './constants.ts';
import { AmtSecret } from './constructs/amt-secret.ts';
import { WebhookDashboard } from './constructs/dashboard.ts';
import { createIngress, receiverReservedConcurrencyFor } from './constructs/ingress.ts';
import { DEFAULT_INGRESS, type FrontDoor, type IngressKind } from './constructs/ingress-types.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Processing } from './constructs/processing.ts';
import { ReceiverFunction } from './constructs/receiver-function.ts';
import { STACK_OUTPUTS } from '../lambda/core/stack-outputs.ts';
import type { AlarmThresholds, LogLevel, MonitoredResources } from './types.ts';

/**
 * Properties of {@link SmartcarWebhookStack}. Each maps 1:1 to a CDK context key of the same
 * name (see `lib/config.ts`); every default is the one the README lists.
 */
export interface SmartcarWebhookStackProps extends StackProps {
  /**
   * Environment name; part of the stack name, the dashboard name and the metric namespace.
   * @default 'dev'
   */
  readonly stage?: string;
  /**
   * Complete ARN of an existing secret holding the AMT.
   * @default - the stack creates the secret holding AMT_SECRET_PLACEHOLDER
   */
  readonly amtSecretArn?: string;
  /**
   * Email subscribed to the alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Powertools log level of both functions.
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
  /**
   * Retention of every log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Removal policy of stateful resources (tables, queues, secret, log groups).
   * @default RemovalPolicy.RETAIN for stage 'prod', RemovalPolicy.DESTROY otherwise
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The front door: `http-api`, `function-url` or `rest-api` (README "Deploy").
   * @default 'http-api'
   */
  readonly ingress?: IngressKind;
  /**
   * Custom domain of the front door (`http-api` or `rest-api`), with `certificateArn`.
   * @default - the default endpoint
   */
  readonly domainName?: string;
  /** ARN of the ACM certificate for `domainName`, in the stack's Region. @default - none */
  readonly certificateArn?: string;
  /** Requests per minute one client IP may send through the `rest-api` WAF. @default throttleRateLimit x 60 */
  readonly wafRateLimit?: number;
  /** @default ROUTES.DATA_PATH ('/webhooks/smartcar') */
  readonly dataPath?: string;
  /** @default ROUTES.ERROR_PATH ('/webhooks/smartcar/errors') */
  readonly errorPath?: string;
  /** @default 200 requests per second */
  readonly throttleRateLimit?: number;
  /** @default 400 requests */
  readonly throttleBurstLimit?: number;
  /** @default 256 */
  readonly receiverMemoryMb?: number;
  /** @default 10 (at most 14: Smartcar waits 15 s) */
  readonly receiverTimeoutSeconds?: number;
  /** @default - none; 20 with `ingress: 'function-url'` (its only throttle) */
  readonly receiverReservedConcurrency?: number;
  /** @default 900 (15 minutes; 0 turns the replay window off) */
  readonly deliveryToleranceSeconds?: number;
  /** @default 512 */
  readonly processorMemoryMb?: number;
  /** @default 30 (the queue's visibility timeout is 6x this) */
  readonly processorTimeoutSeconds?: number;
  /** @default 10 */
  readonly batchSize?: number;
  /** @default 0 */
  readonly maxBatchingWindowSeconds?: number;
  /** @default 20 */
  readonly maxConcurrency?: number;
  /** @default 3 */
  readonly maxReceiveCount?: number;
  /** @default ALARM_DEFAULTS (see README "Alarms and dashboard") */
  readonly alarmThresholds?: Partial<AlarmThresholds>;
}

/**
 * The whole webhook pipeline for one stage: ingress → receiver → queue → processor → DLQ,
 * with the AMT secret, alarms, a dashboard and the outputs the CLIs look up.
 *
 * @example
 * ```ts
 * const app = new App();
 * new SmartcarWebhookStack(app, 'SmartcarWebhooks-dev', { stage: 'dev' });
 * ```
 */
export class SmartcarWebhookStack extends Stack {
  public readonly stage: string;
  public readonly ingress: FrontDoor;
  public readonly receiver: ReceiverFunction;
  public readonly processing: Processing;
  public readonly monitoring: Monitoring;
  public readonly dashboard: WebhookDashboard;
  public readonly amtSecret: AmtSecret;

  public constructor(scope: Construct, id: string, props: SmartcarWebhookStackProps = {}) {
    super(scope, id, {
      description: 'Receives Smartcar vehicle-data webhooks and never loses one',
      ...props,
    });
    this.stage = props.stage ?? DEFAULT_STAGE;
    const removalPolicy =
      props.removalPolicy ?? (this.stage === PROD_STAGE ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const metricsNamespace = `${DEFAULT_METRICS_NAMESPACE}/${this.stage}`;
    const ingressKind = props.ingress ?? DEFAULT_INGRESS;

    this.amtSecret = new AmtSecret(this, 'AmtSecret', {
      existingSecretArn: props.amtSecretArn,
      removalPolicy,
    });

    this.processing = new Processing(this, 'Processing', {
      metricsNamespace,
      memorySize: props.processorMemoryMb,
      timeout: seconds(props.processorTimeoutSeconds),
      batchSize: props.batchSize,
      maxBatchingWindow: seconds(props.maxBatchingWindowSeconds),
      maxConcurrency: props.maxConcurrency,
      maxReceiveCount: props.maxReceiveCount,
      logLevel: props.logLevel,
      logRetention,
      removalPolicy,
    });

    this.receiver = new ReceiverFunction(this, 'Receiver', {
      queue: this.processing.queue,
      secret: this.amtSecret.secret,
      metricsNamespace,
      errorCallbackPath: props.errorPath,
      memorySize: props.receiverMemoryMb,
      timeout: seconds(props.receiverTimeoutSeconds),
      reservedConcurrentExecutions: receiverReservedConcurrencyFor(ingressKind, props.receiverReservedConcurrency),
      deliveryToleranceSeconds: props.deliveryToleranceSeconds,
      logLevel: props.logLevel,
      logRetention,
      removalPolicy,
    });

    this.ingress = createIngress(this, 'Ingress', {
      kind: ingressKind,
      receiver: this.receiver.function,
      receiverReservedConcurrency: props.receiverReservedConcurrency,
      wafRateLimitPerMinute: props.wafRateLimit,
      customDomain:
        props.domainName && props.certificateArn
          ? { domainName: props.domainName, certificateArn: props.certificateArn }
          : undefined,
      dataPath: props.dataPath,
      errorPath: props.errorPath,
      throttleRateLimit: props.throttleRateLimit,
      throttleBurstLimit: props.throttleBurstLimit,
      logRetention,
      removalPolicy,
    });

    const monitored: MonitoredResources = {
      metricsNamespace,
      frontDoor: this.ingress,
      receiver: this.receiver.function,
      processor: this.processing.function,
      queue: this.processing.queue,
      deadLetterQueue: this.processing.deadLetterQueue,
    };

    this.monitoring = new Monitoring(this, 'Monitoring', {
      ...monitored,
      alarmEmail: props.alarmEmail,
      thresholds: props.alarmThresholds,
    });

    this.dashboard = new WebhookDashboard(this, 'Dashboard', {
      ...monitored,
      dashboardName: `${STACK_NAME_PREFIX}-${this.stage}`,
      alarms: this.monitoring.alarms,
      alarmGraphs: this.monitoring.silentDropAlarms,
    });

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
    if (this.ingress.customDomainTarget) {
      outputs[STACK_OUTPUTS.CUSTOM_DOMAIN_TARGET] = {
        value: this.ingress.customDomainTarget,
        description: `Point ${props.domainName} here (DNS CNAME, or a Route 53 alias)`,
      };
    }
    for (const [key, output] of Object.entries(outputs)) new CfnOutput(this, key, output);
  }
}

function seconds(value: number | undefined): Duration | undefined {
  return value === undefined ? undefined : Duration.seconds(value);
}
