import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { ALARM_DEFAULTS, DEFAULT_STAGE, LOG_LEVELS, RECEIVER_DEFAULTS, STACK_NAME_PREFIX, WAF_DEFAULTS } from './constants.ts';
import { INGRESS_KINDS, type IngressKind } from './constructs/ingress-types.ts';
import { PIPELINE_DEFAULTS } from '../lambda/core/constants.ts';
import { ConfigError } from './errors.ts';
import type { SmartcarWebhookStackProps } from './smartcar-webhook-stack.ts';
import type { AlarmThresholds, LogLevel } from './types.ts';

/**
 * Reads the stack's configuration from CDK context (`cdk.json` or `-c key=value`) and checks
 * every value, so a typo fails `cdk synth` with one clear line instead of a broken deploy.
 * Unset keys stay `undefined`: the constructs own the defaults.
 */

/** Every context key the app reads; the README lists each with its default. */
export const CONTEXT_KEYS = [
  'stage',
  'amtSecretArn',
  'alarmEmail',
  'logLevel',
  'logRetentionDays',
  'removalPolicy',
  'ingress',
  'domainName',
  'certificateArn',
  'wafRateLimit',
  'dataPath',
  'errorPath',
  'throttleRateLimit',
  'throttleBurstLimit',
  'receiverMemoryMb',
  'receiverTimeoutSeconds',
  'receiverReservedConcurrency',
  'deliveryToleranceSeconds',
  'processorMemoryMb',
  'processorTimeoutSeconds',
  'batchSize',
  'maxBatchingWindowSeconds',
  'maxConcurrency',
  'maxReceiveCount',
  'alarmThresholds',
] as const;

export type ContextKey = (typeof CONTEXT_KEYS)[number];

/** The stack's configuration: its props plus the stack name derived from the stage. */
export interface WebhookConfig extends SmartcarWebhookStackProps {
  readonly stage: string;
  readonly stackName: string;
}

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
/** A complete secret ARN ends in `-` and 6 random characters; a partial one forces a wildcard grant. */
const COMPLETE_SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Literal paths only: no `{param}` or greedy segments, so there is never a catch-all. */
const PATH_PATTERN = /^(\/[A-Za-z0-9._~-]+)+$/;
/** A DNS host name of at least two labels, lowercase (what API Gateway custom domains accept). */
const DOMAIN_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
const RETENTION_VALUES = Object.values(RetentionDays).filter(
  (v): v is RetentionDays => typeof v === 'number' && v !== RetentionDays.INFINITE,
);

/**
 * Builds the stack configuration from a construct node's context.
 *
 * @throws {ConfigError} on the first invalid value.
 * @example
 * ```ts
 * const app = new App();
 * const config = readConfig(app.node);
 * new SmartcarWebhookStack(app, config.stackName, config);
 * ```
 */
export function readConfig(node: Node): WebhookConfig {
  const get = (key: ContextKey): unknown => {
    const value: unknown = node.tryGetContext(key);
    return value === '' || value === null ? undefined : value;
  };

  const stage = optionalString(get('stage'), 'stage', STAGE_PATTERN, 'lowercase letters, digits and dashes, starting with a letter (at most 20)') ?? DEFAULT_STAGE;
  const dataPath = optionalString(get('dataPath'), 'dataPath', PATH_PATTERN, 'a literal path such as /webhooks/smartcar');
  const errorPath = optionalString(get('errorPath'), 'errorPath', PATH_PATTERN, 'a literal path such as /webhooks/smartcar/errors');
  if (dataPath !== undefined && dataPath === errorPath) {
    throw new ConfigError('errorPath', 'a path different from dataPath', errorPath);
  }
  const batchSize = optionalInt(get('batchSize'), 'batchSize', 1, 10_000);
  const maxBatchingWindowSeconds = optionalInt(get('maxBatchingWindowSeconds'), 'maxBatchingWindowSeconds', 0, 300);
  if (batchSize !== undefined && batchSize > 10 && !maxBatchingWindowSeconds) {
    throw new ConfigError('maxBatchingWindowSeconds', 'at least 1 when batchSize is above 10 (an SQS event source rule)', maxBatchingWindowSeconds ?? 0);
  }

  const ingress = optionalIngress(get('ingress'));
  const domainName = optionalString(get('domainName'), 'domainName', DOMAIN_PATTERN, 'a lowercase host name such as hooks.example.com');
  const certificateArn = optionalString(get('certificateArn'), 'certificateArn', CERTIFICATE_ARN, 'an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    const missing = domainName === undefined ? 'domainName' : 'certificateArn';
    throw new ConfigError(missing, 'domainName and certificateArn set together', undefined);
  }
  if (domainName !== undefined && ingress === 'function-url') {
    // A Function URL has no custom domain of its own; that would take CloudFront in front of it.
    throw new ConfigError('domainName', 'no custom domain with ingress=function-url (use http-api or rest-api)', domainName);
  }
  const wafRateLimit = optionalInt(get('wafRateLimit'), 'wafRateLimit', WAF_DEFAULTS.minRateLimit, WAF_DEFAULTS.maxRateLimit);
  if (wafRateLimit !== undefined && ingress !== 'rest-api') {
    throw new ConfigError('wafRateLimit', 'ingress=rest-api (only the REST API has a WAF)', wafRateLimit);
  }

  return {
    stage,
    stackName: `${STACK_NAME_PREFIX}-${stage}`,
    amtSecretArn: optionalString(get('amtSecretArn'), 'amtSecretArn', COMPLETE_SECRET_ARN, 'a complete Secrets Manager secret ARN (ending in -XXXXXX)'),
    alarmEmail: optionalString(get('alarmEmail'), 'alarmEmail', EMAIL_PATTERN, 'an email address'),
    logLevel: optionalLogLevel(get('logLevel')),
    logRetention: optionalOneOf(get('logRetentionDays'), 'logRetentionDays', RETENTION_VALUES),
    removalPolicy: optionalRemovalPolicy(get('removalPolicy')),
    ingress,
    domainName,
    certificateArn,
    wafRateLimit,
    dataPath,
    errorPath,
    throttleRateLimit: optionalInt(get('throttleRateLimit'), 'throttleRateLimit', 1, 10_000),
    throttleBurstLimit: optionalInt(get('throttleBurstLimit'), 'throttleBurstLimit', 1, 5_000),
    receiverMemoryMb: optionalInt(get('receiverMemoryMb'), 'receiverMemoryMb', 128, 10_240),
    receiverTimeoutSeconds: optionalInt(get('receiverTimeoutSeconds'), 'receiverTimeoutSeconds', 1, RECEIVER_DEFAULTS.maxTimeoutSeconds),
    receiverReservedConcurrency: optionalInt(get('receiverReservedConcurrency'), 'receiverReservedConcurrency', 1, 10_000),
    // 0 turns the replay window off; longer than the idempotency TTL, a replay could run the handler again.
    deliveryToleranceSeconds: optionalInt(get('deliveryToleranceSeconds'), 'deliveryToleranceSeconds', 0, PIPELINE_DEFAULTS.idempotencyTtlSeconds),
    processorMemoryMb: optionalInt(get('processorMemoryMb'), 'processorMemoryMb', 128, 10_240),
    processorTimeoutSeconds: optionalInt(get('processorTimeoutSeconds'), 'processorTimeoutSeconds', 1, 900),
    batchSize,
    maxBatchingWindowSeconds,
    maxConcurrency: optionalInt(get('maxConcurrency'), 'maxConcurrency', 2, 1_000),
    maxReceiveCount: optionalInt(get('maxReceiveCount'), 'maxReceiveCount', 1, 1_000),
    alarmThresholds: optionalThresholds(get('alarmThresholds')),
  };
}

function optionalString(value: unknown, key: string, pattern: RegExp, expected: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw new ConfigError(key, expected, value);
  return value;
}

/** `-c key=5` arrives as the string "5", `cdk.json` as the number 5: accept both, nothing else. */
function optionalNumber(value: unknown, key: string, min: number, max: number, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  const ok = typeof n === 'number' && Number.isFinite(n) && (!integer || Number.isInteger(n)) && n >= min && n <= max;
  if (!ok) throw new ConfigError(key, `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`, value);
  return n;
}

function optionalInt(value: unknown, key: string, min: number, max: number): number | undefined {
  return optionalNumber(value, key, min, max, true);
}

function optionalOneOf<T extends number>(value: unknown, key: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const n = optionalNumber(value, key, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  const match = allowed.find((a) => a === n);
  if (match === undefined) throw new ConfigError(key, `one of ${allowed.join(', ')}`, value);
  return match;
}

function optionalLogLevel(value: unknown): LogLevel | undefined {
  if (value === undefined) return undefined;
  const upper = typeof value === 'string' ? value.toUpperCase() : value;
  const match = LOG_LEVELS.find((level) => level === upper);
  if (match === undefined) throw new ConfigError('logLevel', `one of ${LOG_LEVELS.join(', ')}`, value);
  return match;
}

function optionalIngress(value: unknown): IngressKind | undefined {
  if (value === undefined) return undefined;
  const match = INGRESS_KINDS.find((kind) => kind === value);
  if (match === undefined) throw new ConfigError('ingress', `one of ${INGRESS_KINDS.join(', ')}`, value);
  return match;
}

function optionalRemovalPolicy(value: unknown): RemovalPolicy | undefined {
  if (value === undefined) return undefined;
  if (value === 'retain') return RemovalPolicy.RETAIN;
  if (value === 'destroy') return RemovalPolicy.DESTROY;
  throw new ConfigError('removalPolicy', '"retain" or "destroy"', value);
}

/** An object (from `cdk.json`) or its JSON text (from `-c alarmThresholds='{...}'`). */
function optionalThresholds(value: unknown): Partial<AlarmThresholds> | undefined {
  if (value === undefined) return undefined;
  const expected = `an object with any of ${Object.keys(ALARM_DEFAULTS).join(', ')} mapped to numbers >= 0`;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new ConfigError('alarmThresholds', expected, value);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('alarmThresholds', expected, value);
  }
  const thresholds: Partial<AlarmThresholds> = {};
  for (const [name, raw] of Object.entries(parsed)) {
    if (!(name in ALARM_DEFAULTS)) throw new ConfigError(`alarmThresholds.${name}`, `one of ${Object.keys(ALARM_DEFAULTS).join(', ')}`, name);
    const n = optionalNumber(raw, `alarmThresholds.${name}`, 0, Number.MAX_SAFE_INTEGER, false);
    if (n !== undefined) thresholds[name as keyof AlarmThresholds] = n;
  }
  return thresholds;
}
