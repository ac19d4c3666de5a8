import { LogLevel as PowertoolsLogLevel } from '@aws-lambda-powertools/logger';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PIPELINE_DEFAULTS, ROUTES } from '../lambda/core/constants.ts';
import type { AmtSecretProps } from './constructs/amt-secret.ts';
import type { FunctionWithLogGroupProps } from './constructs/function-with-log-group.ts';
import type { IngressProps } from './constructs/ingress.ts';
import type { ProcessingProps } from './constructs/processing.ts';
import type { ReceiverFunctionProps } from './constructs/receiver-function.ts';
import type { LogLevel } from './types.ts';

/**
 * The stack's defaults, in one module: the numbers only the infrastructure cares about
 * (throttles, memory, alarm thresholds, log retention) and, at the end, the default props of
 * each construct, which it merges under its caller's props once (`overrideProps`). Numbers the
 * handlers or the local pipeline must agree on live in `lambda/core/constants.ts`; the settings
 * table (`lib/settings/table.ts`) documents each context key's default from here.
 */

/** Stage used when no `-c stage=...` is given. */
export const DEFAULT_STAGE = 'dev';

/** The stage whose stateful resources are retained by default on stack deletion. */
export const PROD_STAGE = 'prod';

/** Prefix of the stack name; the stage is appended so environments deploy side by side. */
export const STACK_NAME_PREFIX = 'SmartcarWebhooks';

/** Default log level of both functions (Powertools `POWERTOOLS_LOG_LEVEL`). */
export const DEFAULT_LOG_LEVEL = PowertoolsLogLevel.INFO;

/** Log levels the Powertools logger understands, in the case it expects: Powertools' own list. */
export const LOG_LEVELS: readonly LogLevel[] = Object.values(PowertoolsLogLevel);

/** Ingress defaults. */
export const INGRESS_DEFAULTS = {
  /**
   * Requests per second the stage accepts steadily. Far above the delivery rate of a fleet of
   * thousands of vehicles, far below the account's 10,000 RPS shared by every API in the Region.
   */
  throttleRateLimit: 200,
  /** Short burst allowance: Smartcar delivers concurrently after an outage on its side. */
  throttleBurstLimit: 400,
} as const;

/** Defaults of the Function URL front door (`-c ingress=function-url`). */
export const FUNCTION_URL_DEFAULTS = {
  /**
   * The receiver's reserved concurrency when it sits behind a Function URL and none is given: its
   * only throttle. Lambda allows 10 requests per second per reserved unit, so 20 gives the same
   * 200 rps the HTTP API stage allows, and a flood can never take more than 20 of the account's
   * concurrency (1,000 by default) from other functions, the processor included.
   */
  reservedConcurrency: 20,
  /** Requests per second Lambda allows a Function URL per unit of reserved concurrency. */
  requestsPerSecondPerConcurrency: 10,
} as const;

/** Defaults of the REST API front door (`-c ingress=rest-api`). */
export const REST_API_DEFAULTS = {
  /** The deployment stage; a custom domain maps its root to it, so the name appears only in execute-api URLs. */
  stageName: 'v1',
} as const;

/** Defaults of the REST API's WAF web ACL. */
export const WAF_DEFAULTS = {
  /**
   * Requests one client IP may send per minute: the stage's whole steady throttle (200 rps) for a
   * minute. A single address is cut off only when it alone sends more than the stage accepts from
   * everyone, a rate at which Smartcar would already be answered 429 by the stage; so Smartcar's
   * own traffic, from however small a pool of addresses, never trips it before the stage throttle
   * would. Follows `throttleRateLimit` unless `wafRateLimit` is set.
   */
  rateLimitPerMinute: INGRESS_DEFAULTS.throttleRateLimit * 60,
  /** WAF's bounds for a rate-based rule's limit. */
  minRateLimit: 10,
  maxRateLimit: 2_000_000_000,
} as const;

/** Receiver function defaults. */
export const RECEIVER_DEFAULTS = {
  /** 256 MB on arm64 gives enough CPU for HMAC + one SQS call in tens of milliseconds. */
  memoryMb: 256,
  /** Well under Smartcar's 15 s: a stuck call fails in time for Smartcar to retry. */
  timeoutSeconds: 10,
  /** Smartcar gives up after 15 s; a timeout at or above that is never useful. */
  maxTimeoutSeconds: 14,
} as const;

/** Processor function and event source defaults. */
export const PROCESSOR_DEFAULTS = {
  memoryMb: 512,
  timeoutSeconds: PIPELINE_DEFAULTS.processorTimeoutSeconds,
  batchSize: PIPELINE_DEFAULTS.batchSize,
  /** No batching window: deliver signals as soon as they arrive. */
  maxBatchingWindowSeconds: 0,
  /**
   * Concurrent processor invocations. Caps the burst on DynamoDB and leaves account
   * concurrency to the receiver, which has a deadline (the processor only has a backlog).
   */
  maxConcurrency: 20,
  maxReceiveCount: PIPELINE_DEFAULTS.maxReceiveCount,
} as const;

/** Period of every alarm, in minutes ("more than 5 in 5 minutes"). */
export const ALARM_PERIOD_MINUTES = 5;

/** Period of the DLQ depth alarm, in minutes: react to the first dead letter quickly. */
export const DLQ_ALARM_PERIOD_MINUTES = 1;

/**
 * Period of the VEHICLE_ERROR share alarm, in minutes. The share is a fleet-health trend (an OEM
 * outage, revoked permissions), not an outage of this stack; an hour gives a small fleet enough
 * events for a ratio to mean something.
 */
export const VEHICLE_ERROR_ALARM_PERIOD_MINUTES = 60;

/**
 * Share of the stage's steady throttle (requests per alarm period) that 4xx answers may reach
 * before `Api4xx` fires: at a tenth of the capacity Smartcar's deliveries share, garbage traffic
 * is on its way to using it up, and 429s are 4xx too.
 */
export const API_4XX_SHARE_OF_THROTTLE = 0.1;

/**
 * The default `Api4xx` threshold for a stage throttled at `throttleRateLimit` requests per second.
 *
 * @example
 * ```ts
 * api4xxThresholdFor(200); // 6000 (10% of 200 rps over 5 minutes)
 * ```
 */
export function api4xxThresholdFor(throttleRateLimit: number): number {
  return Math.round(throttleRateLimit * ALARM_PERIOD_MINUTES * 60 * API_4XX_SHARE_OF_THROTTLE);
}

/**
 * Alarm thresholds. Every alarm fires when its statistic is strictly greater than the
 * threshold; counts are sums over {@link ALARM_PERIOD_MINUTES}. `vehicleErrorMinEvents` is no
 * threshold of its own but the volume below which the VEHICLE_ERROR share never fires.
 */
export const ALARM_DEFAULTS = {
  /** Any message in the DLQ is an event that was not processed. */
  dlqMessages: 0,
  /** Processing normally takes seconds; five minutes of backlog means the processor is stuck. */
  queueOldestAgeSeconds: 300,
  /** Any unhandled receiver error may be a lost delivery attempt. */
  receiverErrors: 0,
  /** Smartcar counts a response after 15 s as failed and recommends alerting above 5 s. */
  receiverP99DurationMs: 5_000,
  /** Any 5xx is a delivery Smartcar has to retry; four failures and the event is gone. */
  api5xx: 0,
  /** Smartcar's monitoring guide: more than 5 signature failures in 5 minutes. */
  signatureInvalid: 5,
  /** Any failed SQS write is a 5xx Smartcar must retry. */
  enqueueFailed: 0,
  /** Any record failing on its last receive is about to land in the DLQ. */
  finalAttemptFailed: 0,
  /** The receiver cannot read the AMT: every delivery is answered 5xx. */
  secretUnavailable: 0,
  /** Processor crashes and timeouts (failed records are batch item failures, not errors). */
  processorErrors: 0,
  /** Any throttle delays deliveries (receiver) or processing (processor). */
  throttles: 0,
  /** Any event of a type with no handler was acknowledged and dropped (a new Smartcar type?). */
  unknownEventType: 0,
  /** Any 2.0-format payload was acknowledged and dropped: a webhook still on the legacy version. */
  legacyPayload: 0,
  /** Any record the processor cannot parse fails every attempt; this fires on its first one. */
  malformedRecord: 0,
  /** Any 4xx to a validly signed delivery refuses a real event on every retry: it is lost. */
  signedDeliveryRefused: 0,
  /**
   * API 4xx in 5 minutes (429 throttles included): 10% of the default stage throttle's capacity.
   * Follows `throttleRateLimit` unless set explicitly ({@link api4xxThresholdFor}).
   */
  api4xx: api4xxThresholdFor(INGRESS_DEFAULTS.throttleRateLimit),
  /** Smartcar's monitoring guide: alert when VEHICLE_ERROR is more than 10% (of vehicles; here of events). */
  vehicleErrorRatio: 0.1,
  /**
   * Fewest events (VEHICLE_STATE + VEHICLE_ERROR) in the hour for the share to count: one error in
   * two events is 50% and means nothing; at 100 events, more than 10 errors is not a coincidence.
   */
  vehicleErrorMinEvents: 100,
} as const;

/**
 * What every construct with stateful resources or logs does unless told otherwise: resources
 * are deleted with the stack (the stack passes RETAIN for the prod stage) and logs kept a month.
 */
export const RESOURCE_DEFAULTS = {
  removalPolicy: RemovalPolicy.DESTROY,
  logRetention: RetentionDays.ONE_MONTH,
} as const;

/** Default props of `AmtSecret`. */
export const AMT_SECRET_PROPS_DEFAULTS = {
  removalPolicy: RESOURCE_DEFAULTS.removalPolicy,
} as const satisfies Partial<AmtSecretProps>;

/** Default props of `FunctionWithLogGroup`. */
export const FUNCTION_PROPS_DEFAULTS = {
  ...RESOURCE_DEFAULTS,
} as const satisfies Partial<FunctionWithLogGroupProps>;

/** Default props of the front doors (`createIngress` and each `*Ingress`). */
export const INGRESS_PROPS_DEFAULTS = {
  dataPath: ROUTES.DATA_PATH,
  errorPath: ROUTES.ERROR_PATH,
  throttleRateLimit: INGRESS_DEFAULTS.throttleRateLimit,
  throttleBurstLimit: INGRESS_DEFAULTS.throttleBurstLimit,
  ...RESOURCE_DEFAULTS,
} as const satisfies Partial<IngressProps>;

/** Default props of `ReceiverFunction`. */
export const RECEIVER_PROPS_DEFAULTS = {
  errorCallbackPath: ROUTES.ERROR_PATH,
  deliveryToleranceSeconds: PIPELINE_DEFAULTS.deliveryToleranceSeconds,
  memorySize: RECEIVER_DEFAULTS.memoryMb,
  timeout: Duration.seconds(RECEIVER_DEFAULTS.timeoutSeconds),
  logLevel: DEFAULT_LOG_LEVEL,
  ...RESOURCE_DEFAULTS,
} as const satisfies Partial<ReceiverFunctionProps>;

/** Default props of `Processing`. */
export const PROCESSING_PROPS_DEFAULTS = {
  memorySize: PROCESSOR_DEFAULTS.memoryMb,
  timeout: Duration.seconds(PROCESSOR_DEFAULTS.timeoutSeconds),
  batchSize: PROCESSOR_DEFAULTS.batchSize,
  maxBatchingWindow: Duration.seconds(PROCESSOR_DEFAULTS.maxBatchingWindowSeconds),
  maxConcurrency: PROCESSOR_DEFAULTS.maxConcurrency,
  maxReceiveCount: PROCESSOR_DEFAULTS.maxReceiveCount,
  logLevel: DEFAULT_LOG_LEVEL,
  vehicleStateStore: true,
  ...RESOURCE_DEFAULTS,
} as const satisfies Partial<ProcessingProps>;

/**
 * Props of every alarm: the first period over the threshold alarms (each watches a failure that
 * already lost or delayed an event), and no data means nothing failed.
 */
export const ALARM_PROPS_DEFAULTS = {
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: TreatMissingData.NOT_BREACHING,
} as const;
