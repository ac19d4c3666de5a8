import { PIPELINE_DEFAULTS, ROUTES } from '../../lambda/core/constants.ts';
import { ALARM_DEFAULTS } from '../alarm-defaults.ts';
import { LOG_RETENTION_DAYS } from '../cdk-enums.ts';
import { DEFAULT_INGRESS, INGRESS_KINDS } from '../constructs/ingress-types.ts';
import {
  ARCHIVE_DEFAULTS,
  DEFAULT_ENCRYPTION_KEY,
  DEFAULT_LOG_LEVEL,
  DEFAULT_STAGE,
  FUNCTION_URL_DEFAULTS,
  INGRESS_DEFAULTS,
  KMS_KEY_ARN,
  LOG_LEVELS,
  PROCESSOR_DEFAULTS,
  RECEIVER_DEFAULTS,
  RESOURCE_DEFAULTS,
  WAF_DEFAULTS,
} from '../defaults.ts';
import type { AlarmThresholds, EncryptionKeySetting } from '../types.ts';
import { boolean, integerFrom, matching, numbersByName, oneOf, type Parser, removalPolicy } from './parsers.ts';
import { PROCESSOR_MIN_TIMEOUT_SECONDS, RECEIVER_MIN_TIMEOUT_SECONDS } from './time-budget.ts';

/**
 * THE settings table: one row per CDK context key (`-c key=value` or `cdk.json`), with its parser,
 * its default and one line of documentation. The context reader (`lib/config.ts`), the stack's
 * props (`SettingValues`), `npm start` and the `docs/configuration.md` table all come from here
 * (`test/infra/settings-table.test.ts` fails when that doc disagrees). To add a setting, add a
 * row (a check between settings goes in `rules.ts`), use it in the stack, and set it in a variant
 * of `test/infra/cfn-lint-variants.ts`.
 */

/** One row of the table. */
export interface SettingRow<T> {
  /** Parses and checks a given value; throws `ConfigError`. */
  readonly parse: Parser<T>;
  /** What the stack uses when the key is unset (from `lib/defaults.ts`); absent when that is "none" or derived. */
  readonly default?: T;
  /** The documented default (docs/configuration.md), when `default` alone does not say it. */
  readonly defaultText?: string;
  /** What the key sets, in one line (the "what it sets" column of docs/configuration.md). */
  readonly doc: string;
}

const row = <T>(r: SettingRow<T>): SettingRow<T> => r;

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
/** A complete secret ARN ends in `-` and 6 random characters; a partial one forces a wildcard grant. */
const COMPLETE_SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Literal paths only: no `{param}` or greedy segments, so there is never a catch-all. */
const PATH_PATTERN = /^(\/[A-Za-z0-9._~-]+)+$/;
/** A DNS host name of at least two labels, lowercase (what API Gateway custom domains accept). */
const DOMAIN_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
/** CloudWatch's retention values; "never expire" is refused. */
const RETENTION_VALUES = LOG_RETENTION_DAYS;
const ALARM_NAMES = Object.keys(ALARM_DEFAULTS) as (keyof AlarmThresholds)[];

/**
 * Every setting, in the order docs/configuration.md lists them.
 *
 * @example
 * ```ts
 * SETTINGS.maxReceiveCount.parse('5', 'maxReceiveCount'); // 5
 * SETTINGS.maxReceiveCount.default; // 3
 * ```
 */
export const SETTINGS = {
  stage: row({
    parse: matching(STAGE_PATTERN, 'lowercase letters, digits and dashes, starting with a letter (at most 20)'),
    default: DEFAULT_STAGE,
    doc: 'Environment name: stack `SmartcarWebhooks-<stage>`, dashboard name, metric namespace `SmartcarWebhooks/<stage>`. Lowercase letters, digits and dashes, at most 20 characters.',
  }),
  amtSecretArn: row({
    parse: matching(COMPLETE_SECRET_ARN, 'a complete Secrets Manager secret ARN (ending in -XXXXXX)'),
    defaultText: '*(none: the stack creates the secret)*',
    doc: 'Complete ARN of an existing AMT secret to import instead.',
  }),
  alarmEmail: row({
    parse: matching(EMAIL_PATTERN, 'an email address'),
    defaultText: '*(none)*',
    doc: 'Email address subscribed to the alarm topic.',
  }),
  logLevel: row({
    parse: oneOf(LOG_LEVELS),
    default: DEFAULT_LOG_LEVEL,
    doc: '`POWERTOOLS_LOG_LEVEL` of both functions: any level Powertools Logger exports (`TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `CRITICAL`, `SILENT`).',
  }),
  logRetentionDays: row({
    parse: oneOf(RETENTION_VALUES),
    default: RESOURCE_DEFAULTS.logRetention,
    doc: `Retention of every log group (both functions and the API access log). Must be one of CloudWatch's values (${RETENTION_VALUES.join(', ')}). "Never expire" is refused.`,
  }),
  removalPolicy: row({
    parse: removalPolicy,
    defaultText: '`retain` for stage `prod`, `destroy` otherwise',
    doc: 'What happens to the tables, queues, secret and log groups when the stack is deleted: `retain` or `destroy`.',
  }),
  ingress: row({
    parse: oneOf(INGRESS_KINDS),
    default: DEFAULT_INGRESS,
    doc: 'The front door: `http-api`, `function-url` or `rest-api` (see [Choose a front door](front-doors.md)).',
  }),
  domainName: row({
    parse: matching(DOMAIN_PATTERN, 'a lowercase host name such as hooks.example.com'),
    defaultText: '*(none)*',
    doc: 'Custom domain of the `http-api` or `rest-api` front door, with `certificateArn`; disables the default `execute-api` endpoint.',
  }),
  certificateArn: row({
    parse: matching(CERTIFICATE_ARN, 'an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)'),
    defaultText: '*(none)*',
    doc: "ACM certificate for `domainName`, in the stack's Region.",
  }),
  wafRateLimit: row({
    parse: integerFrom(WAF_DEFAULTS.minRateLimit, WAF_DEFAULTS.maxRateLimit),
    defaultText: `\`throttleRateLimit\` × 60 (${WAF_DEFAULTS.rateLimitPerMinute.toLocaleString('en-US')})`,
    doc: `\`rest-api\` only: requests per minute one client IP may send before the WAF answers it 429 (${WAF_DEFAULTS.minRateLimit} to ${WAF_DEFAULTS.maxRateLimit.toLocaleString('en-US')}).`,
  }),
  dataPath: row({
    parse: matching(PATH_PATTERN, 'a literal path such as /webhooks/smartcar'),
    default: ROUTES.DATA_PATH,
    doc: 'Path of the "Vehicle data callback URI" route. Literal segments only.',
  }),
  errorPath: row({
    parse: matching(PATH_PATTERN, 'a literal path such as /webhooks/smartcar/errors'),
    default: ROUTES.ERROR_PATH,
    doc: 'Path of the "Vehicle error callback URI" route. Must differ from `dataPath`.',
  }),
  throttleRateLimit: row({
    parse: integerFrom(1, 10_000),
    default: INGRESS_DEFAULTS.throttleRateLimit,
    doc: 'Stage throttle (`http-api`, `rest-api`), in requests per second (steady state).',
  }),
  throttleBurstLimit: row({
    parse: integerFrom(1, 5_000),
    default: INGRESS_DEFAULTS.throttleBurstLimit,
    doc: 'Stage throttle (`http-api`, `rest-api`), burst size.',
  }),
  receiverMemoryMb: row({
    parse: integerFrom(128, 10_240),
    default: RECEIVER_DEFAULTS.memoryMb,
    doc: 'Receiver memory.',
  }),
  receiverTimeoutSeconds: row({
    parse: integerFrom(RECEIVER_MIN_TIMEOUT_SECONDS, RECEIVER_DEFAULTS.maxTimeoutSeconds),
    default: RECEIVER_DEFAULTS.timeoutSeconds,
    doc: `Receiver timeout. At most ${RECEIVER_DEFAULTS.maxTimeoutSeconds}, because Smartcar gives up after 15 s; at least ${RECEIVER_MIN_TIMEOUT_SECONDS}, the worst case of its SDK calls plus room, so a hung dependency still gets a 503 of ours.`,
  }),
  receiverReservedConcurrency: row({
    parse: integerFrom(1, 10_000),
    defaultText: `*(none)*; \`${FUNCTION_URL_DEFAULTS.reservedConcurrency}\` with \`ingress=function-url\``,
    doc: `Reserved concurrency for the receiver: behind a Function URL, its only throttle (Lambda allows ${FUNCTION_URL_DEFAULTS.requestsPerSecondPerConcurrency} requests per second per reserved unit).`,
  }),
  deliveryToleranceSeconds: row({
    // 0 turns the replay window off; longer than the idempotency TTL, a replay could run the handler again.
    parse: integerFrom(0, PIPELINE_DEFAULTS.idempotencyTtlSeconds),
    default: PIPELINE_DEFAULTS.deliveryToleranceSeconds,
    doc: "Replay window: a signed delivery whose `meta.deliveredAt` is more than this many seconds from the receiver's clock, in either direction, is refused with `400 stale_delivery` and counted (`SignedDeliveryRefused`, reason `stale_delivery`, which alarms). `0` turns the check off; at most the idempotency TTL (19 days). Why 15 minutes: see [Guarantees in detail](guarantees.md#why-the-replay-window-is-15-minutes).",
  }),
  processorMemoryMb: row({
    parse: integerFrom(128, 10_240),
    default: PROCESSOR_DEFAULTS.memoryMb,
    doc: 'Processor memory.',
  }),
  processorTimeoutSeconds: row({
    parse: integerFrom(PROCESSOR_MIN_TIMEOUT_SECONDS, 900),
    default: PIPELINE_DEFAULTS.processorTimeoutSeconds,
    doc: `Processor timeout: at least ${PROCESSOR_MIN_TIMEOUT_SECONDS}, the worst case of a record's SDK calls plus room, so a hung dependency fails records instead of the invocation. The main queue's visibility timeout is always ${PIPELINE_DEFAULTS.visibilityTimeoutMultiplier}× this (${PIPELINE_DEFAULTS.processorTimeoutSeconds * PIPELINE_DEFAULTS.visibilityTimeoutMultiplier} s by default).`,
  }),
  batchSize: row({
    parse: integerFrom(1, 10_000),
    default: PIPELINE_DEFAULTS.batchSize,
    doc: 'Records per processor invocation. Above 10 needs `maxBatchingWindowSeconds` ≥ 1.',
  }),
  maxBatchingWindowSeconds: row({
    parse: integerFrom(0, 300),
    default: PROCESSOR_DEFAULTS.maxBatchingWindowSeconds,
    doc: 'How long the event source waits to fill a batch.',
  }),
  maxConcurrency: row({
    parse: integerFrom(2, 1_000),
    default: PROCESSOR_DEFAULTS.maxConcurrency,
    doc: 'Most concurrent processor invocations (2–1000).',
  }),
  maxReceiveCount: row({
    parse: integerFrom(1, 1_000),
    default: PIPELINE_DEFAULTS.maxReceiveCount,
    doc: 'Receives before a message moves to the DLQ. The processor gets the same value (`MAX_RECEIVE_COUNT`), so it can tell when an attempt is the last one.',
  }),
  futureToleranceSeconds: row({
    parse: integerFrom(0, 86_400),
    default: PIPELINE_DEFAULTS.futureToleranceSeconds,
    doc: "How far past its delivery's receipt a signal's `oemUpdatedAt` (or a VEHICLE_ERROR's `deliveredAt`) is believed, in seconds (0 to 86,400). A later stamp (a wrong OEM clock, a forgery) is ordered at the receipt plus this and counted (`FutureSignal`), so it holds its signal at most this long. Why 15 minutes: see [Timestamps](timestamps.md).",
  }),
  archive: row({
    parse: boolean,
    default: ARCHIVE_DEFAULTS.enabled,
    doc: 'Archive every delivery to S3 through Firehose before it is handled, for `npm run replay` (see [Archive and replay](archive.md)). `false` leaves the bucket, stream, role and alarms out.',
  }),
  archiveRetentionDays: row({
    parse: integerFrom(1, ARCHIVE_DEFAULTS.maxRetentionDays),
    default: ARCHIVE_DEFAULTS.retentionDays,
    doc: `Days an archived delivery is kept (1 to ${ARCHIVE_DEFAULTS.maxRetentionDays}); objects move to Standard-IA after ${ARCHIVE_DEFAULTS.infrequentAccessAfterDays} days when this is at least ${ARCHIVE_DEFAULTS.minRetentionForTransitionDays}.`,
  }),
  alarmThresholds: row({
    parse: numbersByName(ALARM_NAMES, 0),
    defaultText: 'see [Alarms](operations.md#alarms)',
    doc: 'Overrides for alarm thresholds, as an object: `"alarmThresholds": {"signatureInvalid": 20}` in `cdk.json`, or `-c \'alarmThresholds={"signatureInvalid":20}\'`.',
  }),
  encryptionKey: row<EncryptionKeySetting>({
    parse: (value, key) => {
      if (value === 'aws-managed' || value === 'create') return value;
      return matching(KMS_KEY_ARN, 'aws-managed, create or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)')(
        value,
        key,
      ) as EncryptionKeySetting;
    },
    default: DEFAULT_ENCRYPTION_KEY,
    doc: 'Key for data at rest: `aws-managed` (SSE-SQS queues, AWS-owned table key, service-encrypted logs), `create` (one customer managed key, rotation on, for queues, tables, log groups, alarm topic and secret), or the ARN of your own key (see [Encryption](encryption.md)).',
  }),
} as const;

/** A context key of the table. */
export type SettingKey = keyof typeof SETTINGS;

/** The parsed type of one setting. */
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K] extends SettingRow<infer T> ? T : never;

/** Parsed settings, each optional (unset keys take their default in the constructs): the stack's props. */
export type SettingValues = { readonly [K in SettingKey]?: SettingValue<K> };
