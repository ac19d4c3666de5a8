import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { ROUTES } from '../../lambda/core/constants.ts';
import { INGRESS_DEFAULTS, RESOURCE_DEFAULTS } from '../defaults.ts';

/**
 * The front doors the stack can put in front of the receiver (`-c ingress=...`).
 * - `http-api`: API Gateway HTTP API, stage throttle (the default).
 * - `function-url`: a Lambda Function URL on the receiver, throttled by its reserved concurrency.
 * - `rest-api`: API Gateway REST API behind a regional AWS WAF web ACL.
 */
export const INGRESS_KINDS = ['http-api', 'function-url', 'rest-api'] as const;

/** One of {@link INGRESS_KINDS}. */
export type IngressKind = (typeof INGRESS_KINDS)[number];

/** The front door used when no `-c ingress=...` is given. */
export const DEFAULT_INGRESS: IngressKind = 'http-api';

/** A custom domain for the front door: a name and an ACM certificate in the stack's Region. */
export interface CustomDomain {
  /** The host name Smartcar calls, e.g. `hooks.example.com`. */
  readonly domainName: string;
  /** ARN of an ACM certificate for `domainName` in the stack's Region. */
  readonly certificateArn: string;
}

/** Period and statistic of a front-door metric. */
export interface FrontDoorMetricOptions {
  readonly period: Duration;
  /** @default 'Sum' for counts, 'Average' for latency */
  readonly statistic?: string;
  /** @default - the metric's name */
  readonly label?: string;
}

/** An alarm only one front door has (WAF blocks, for instance), added by `Monitoring`. */
export interface FrontDoorAlarm {
  readonly id: string;
  readonly description: string;
  readonly metric: IMetric;
  readonly threshold: number;
}

/**
 * What the stack needs of a front door, whichever it is: the two URLs for the Smartcar
 * Dashboard and the request metrics the alarms and the dashboard read.
 *
 * @example
 * ```ts
 * const door: FrontDoor = createIngress(this, 'Ingress', { kind: 'function-url', receiver });
 * new CfnOutput(this, 'WebhookUrl', { value: door.dataUrl });
 * door.metricClientErrors({ period: Duration.minutes(5) });
 * ```
 */
export interface FrontDoor extends IConstruct {
  readonly kind: IngressKind;
  /** Full URL of the data callback route ("Vehicle data callback URI"). */
  readonly dataUrl: string;
  /** Full URL of the error callback route ("Vehicle error callback URI"). */
  readonly errorUrl: string;
  /** Requests per second the door accepts steadily before it answers 429 (sizes the `Api4xx` alarm). */
  readonly steadyRequestsPerSecond: number;
  /**
   * Host name the custom domain's DNS record (a CNAME, or a Route 53 alias) must point at.
   * @default - no custom domain
   */
  readonly customDomainTarget?: string;
  /** Alarms of this front door alone. */
  readonly alarms: readonly FrontDoorAlarm[];
  /** Requests the door received. */
  metricRequests(options: FrontDoorMetricOptions): IMetric;
  /** Requests answered 4xx, its own 429 throttles included. */
  metricClientErrors(options: FrontDoorMetricOptions): IMetric;
  /** Requests answered 5xx. */
  metricServerErrors(options: FrontDoorMetricOptions): IMetric;
  /** Time from request to response, in milliseconds. */
  metricLatency(options: FrontDoorMetricOptions): IMetric;
}

/** Properties of {@link createIngress}: the union of what the front doors take. */
export interface IngressProps {
  /**
   * Which front door.
   * @default 'http-api'
   */
  readonly kind?: IngressKind;
  /** The receiver function every front door invokes. */
  readonly receiver: IFunction;
  /** @default ROUTES.DATA_PATH */
  readonly dataPath?: string;
  /** @default ROUTES.ERROR_PATH */
  readonly errorPath?: string;
  /** Stage throttle (`http-api`, `rest-api`). @default 200 */
  readonly throttleRateLimit?: number;
  /** Stage burst (`http-api`, `rest-api`). @default 400 */
  readonly throttleBurstLimit?: number;
  /** The receiver's reserved concurrency (`function-url`: its throttle). @default 20 for `function-url` */
  readonly receiverReservedConcurrency?: number;
  /** Requests per minute per client IP (`rest-api`). @default throttleRateLimit x 60 */
  readonly wafRateLimitPerMinute?: number;
  /** Custom domain (`http-api`, `rest-api`). @default - none */
  readonly customDomain?: CustomDomain;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/** Default props of the front doors (`createIngress` and each `*Ingress`). */
export const INGRESS_PROPS_DEFAULTS = {
  dataPath: ROUTES.DATA_PATH,
  errorPath: ROUTES.ERROR_PATH,
  throttleRateLimit: INGRESS_DEFAULTS.throttleRateLimit,
  throttleBurstLimit: INGRESS_DEFAULTS.throttleBurstLimit,
  ...RESOURCE_DEFAULTS,
} as const satisfies Partial<IngressProps>;
