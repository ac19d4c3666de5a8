import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_METRICS_NAMESPACE } from '../lambda/core/constants.ts';
import { CONTEXT_KEYS, parseSettings } from './config.ts';
import type { AmtSecret } from './constructs/amt-secret.ts';
import type { EventArchive } from './constructs/archive.ts';
import type { WebhookDashboard } from './constructs/dashboard.ts';
import type { FrontDoor } from './constructs/ingress-types.ts';
import type { Monitoring } from './constructs/monitoring.ts';
import type { Processing } from './constructs/processing.ts';
import type { ReceiverFunction } from './constructs/receiver-function.ts';
import { DEFAULT_STAGE, PROD_STAGE, RESOURCE_DEFAULTS, STACK_NAME_PREFIX } from './defaults.ts';
import type { SettingValues } from './settings/table.ts';
import { SmartcarWebhookReceiver } from './smartcar-webhook-receiver.ts';

/**
 * Properties of {@link SmartcarWebhookStack}: the settings table's keys (`lib/settings/table.ts`,
 * one row per CDK context key of the same name, with its default and what it sets; README
 * "Configuration"), plus the usual stack props. The stack runs the handlers of `lambda/`, so its
 * event types are `EVENT_TYPES` (a fork adds one there, with its handler); an app with handlers
 * of its own uses `SmartcarWebhookReceiver` and its `eventTypes` prop.
 */
export interface SmartcarWebhookStackProps extends StackProps, SettingValues {}

/**
 * The whole webhook pipeline for one stage: ingress → receiver → queue → processor → DLQ,
 * with the AMT secret, the archive, alarms, a dashboard and the outputs the CLIs look up.
 *
 * @example
 * ```ts
 * const app = new App();
 * new SmartcarWebhookStack(app, 'SmartcarWebhooks-dev', { stage: 'dev' });
 * ```
 */
export class SmartcarWebhookStack extends Stack {
  public readonly stage: string;
  /** The pipeline; the fields below are its parts. */
  public readonly pipeline: SmartcarWebhookReceiver;
  public readonly ingress: FrontDoor;
  public readonly receiver: ReceiverFunction;
  public readonly processing: Processing;
  public readonly monitoring: Monitoring;
  public readonly dashboard: WebhookDashboard;
  public readonly amtSecret: AmtSecret;
  /** The archive; undefined with `archive: false`. */
  public readonly archive?: EventArchive;

  public constructor(scope: Construct, id: string, stackProps: SmartcarWebhookStackProps = {}) {
    super(scope, id, {
      description: 'Receives Smartcar vehicle-data webhooks and never loses one',
      ...stackProps,
    });
    // Props checked first, by the same parser as the context: a direct `new SmartcarWebhookStack`
    // gets the same errors as `cdk synth -c ...`.
    const { stage, ...props } = parseSettings(Object.fromEntries(CONTEXT_KEYS.map((key) => [key, stackProps[key]])));
    this.stage = stage ?? DEFAULT_STAGE;
    const removalPolicy =
      props.removalPolicy ?? (this.stage === PROD_STAGE ? RemovalPolicy.RETAIN : RESOURCE_DEFAULTS.removalPolicy);
    // The pipeline under the id "Default": CDK leaves a "Default" path segment out of logical ids
    // (and of unique names), so every resource keeps the logical id it had when the stack built
    // the parts itself, and an update of a deployed stack changes nothing; a renamed logical id
    // would make CloudFormation replace the resource (new empty queues and tables, a new secret
    // without the AMT). test/infra/logical-ids.test.ts holds the recorded ids. Building the parts
    // in the stack's scope would keep the ids too, but then two pipelines in one stack would
    // collide. The names the construct would derive from its id are given as before, from the stage.
    // Its outputs (the CLIs' STACK_OUTPUTS) keep their bare keys under this id.
    const pipeline = new SmartcarWebhookReceiver(this, 'Default', {
      ...props,
      removalPolicy,
      metricsNamespace: `${DEFAULT_METRICS_NAMESPACE}/${this.stage}`,
      dashboardName: `${STACK_NAME_PREFIX}-${this.stage}`,
    });
    this.pipeline = pipeline;
    this.amtSecret = pipeline.amtSecret;
    this.processing = pipeline.processing;
    this.receiver = pipeline.receiver;
    this.ingress = pipeline.ingress;
    this.monitoring = pipeline.monitoring;
    this.dashboard = pipeline.dashboard;
    this.archive = pipeline.archive;
  }
}
