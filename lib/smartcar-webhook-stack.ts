import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CONTEXT_KEYS, parseSettings } from './config.ts';
import { DEFAULT_METRICS_NAMESPACE } from '../lambda/core/constants.ts';
import { DEFAULT_STAGE, PROD_STAGE, RESOURCE_DEFAULTS, STACK_NAME_PREFIX } from './defaults.ts';
import { AmtSecret } from './constructs/amt-secret.ts';
import { WebhookDashboard } from './constructs/dashboard.ts';
import { createIngress, receiverReservedConcurrencyFor } from './constructs/ingress.ts';
import { DEFAULT_INGRESS, type FrontDoor, type IngressKind } from './constructs/ingress-types.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Processing } from './constructs/processing.ts';
import { ReceiverFunction } from './constructs/receiver-function.ts';
import { STACK_OUTPUTS } from '../lambda/core/stack-outputs.ts';
import type { SettingValues } from './settings/table.ts';
import type { MonitoredResources } from './types.ts';

/**
 * Properties of {@link SmartcarWebhookStack}: the settings table's keys (`lib/settings/table.ts`,
 * one row per CDK context key of the same name, with its default and what it sets; README
 * "Configuration"), plus the usual stack props.
 */
export interface SmartcarWebhookStackProps extends StackProps, SettingValues {}

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

  public constructor(scope: Construct, id: string, stackProps: SmartcarWebhookStackProps = {}) {
    super(scope, id, {
      description: 'Receives Smartcar vehicle-data webhooks and never loses one',
      ...stackProps,
    });
    // Props checked first, by the same parser as the context: a direct `new SmartcarWebhookStack`
    // gets the same errors as `cdk synth -c ...`.
    const props = parseSettings(Object.fromEntries(CONTEXT_KEYS.map((key) => [key, stackProps[key]])));
    this.stage = props.stage ?? DEFAULT_STAGE;
    const removalPolicy =
      props.removalPolicy ?? (this.stage === PROD_STAGE ? RemovalPolicy.RETAIN : RESOURCE_DEFAULTS.removalPolicy);
    const logRetention = props.logRetentionDays;
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
