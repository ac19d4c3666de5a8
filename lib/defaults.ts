import { LogLevel as PowertoolsLogLevel } from '@aws-lambda-powertools/logger';
import { FIREHOSE_MAX_BUFFERING_INTERVAL_SECONDS } from '../lambda/core/archive-layout.ts';
import { ONE_MONTH_RETENTION, REMOVAL_POLICY } from './cdk-enums.ts';

/**
 * The stack's defaults: the numbers only the infrastructure cares about (throttles, memory, log
 * retention; the alarms' periods and thresholds are in `lib/alarm-defaults.ts`). Each construct's
 * default props (`*_PROPS_DEFAULTS`, merged under its caller's props once by `overrideProps`)
 * sit next to its props, in its own file, built from these numbers; this file imports no
 * construct. Numbers the
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
export const LOG_LEVELS = Object.freeze(Object.values(PowertoolsLogLevel));

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
  /** No batching window: deliver signals as soon as they arrive. */
  maxBatchingWindowSeconds: 0,
  /**
   * Concurrent processor invocations. Caps the burst on DynamoDB and leaves account
   * concurrency to the receiver, which has a deadline (the processor only has a backlog).
   */
  maxConcurrency: 20,
} as const;

/** Defaults of the archive (`lib/constructs/archive.ts`). */
export const ARCHIVE_DEFAULTS = {
  /** Every pipeline keeps its deliveries unless `-c archive=false`: a handler bug is then recoverable. */
  enabled: true,
  /** Archive objects expire this many days after they were written (`-c archiveRetentionDays`). */
  retentionDays: 365,
  /** Longest retention accepted: ten years. */
  maxRetentionDays: 3_650,
  /**
   * Objects move to S3 Standard-IA after this many days (the earliest S3 allows): replays mostly
   * target the last days, older objects are read rarely and still at once.
   */
  infrequentAccessAfterDays: 30,
  /**
   * No transition when the retention is shorter than this: Standard-IA bills at least 30 days, so
   * moving objects that expire within 30 days of the move costs more than it saves.
   */
  minRetentionForTransitionDays: 60,
  /** Firehose writes an object at least this often (its buffer interval), so a replay sees an event within minutes. */
  bufferingIntervalSeconds: 300,
  /** ... or when this much (uncompressed) data has arrived: few, larger objects. */
  bufferingSizeMiB: 64,
  /** Firehose's bounds for an S3 destination's buffer: 0 to 900 s, 1 to 128 MiB. */
  maxBufferingIntervalSeconds: FIREHOSE_MAX_BUFFERING_INTERVAL_SECONDS,
  maxBufferingSizeMiB: 128,
} as const;

/**
 * What every construct with stateful resources or logs does unless told otherwise: resources
 * are deleted with the stack (the stack passes RETAIN for the prod stage) and logs kept a month.
 */
export const RESOURCE_DEFAULTS = {
  removalPolicy: REMOVAL_POLICY.DESTROY,
  logRetention: ONE_MONTH_RETENTION,
} as const;

/** The default `-c encryptionKey` (an `EncryptionKeySetting`): today's behaviour, no key to pay for. */
export const DEFAULT_ENCRYPTION_KEY = 'aws-managed';

/** A symmetric key's ARN, single- or multi-Region (log groups need the key ARN, not an alias). */
export const KMS_KEY_ARN =
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
