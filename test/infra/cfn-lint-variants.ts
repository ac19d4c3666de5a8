import { PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import { ALARM_DEFAULTS } from '../../lib/alarm-defaults.ts';
import type { ContextKey } from '../../lib/config.ts';
import { ARCHIVE_DEFAULTS, WAF_DEFAULTS } from '../../lib/defaults.ts';
import { PROCESSOR_MIN_TIMEOUT_SECONDS, RECEIVER_MIN_TIMEOUT_SECONDS } from '../../lib/settings/time-budget.ts';

/**
 * The variants of the stack that cfn-lint checks: the stages, the imported secret, the alarm
 * email, and every numeric option at both ends of the range `lib/config.ts` accepts, so a value
 * the config lets through but CloudFormation would refuse fails the lint instead of a deploy.
 * Together they set every context key (`cfn-lint.test.ts` checks that).
 */

/** One variant: a name for the report and the CDK context it is synthesized from. */
export interface LintVariant {
  name: string;
  context: Partial<Record<ContextKey, unknown>>;
}

/** A well-formed KMS key ARN (synth never looks it up). */
export const EXAMPLE_KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';

/** A well-formed ACM certificate ARN (synth never looks it up). */
export const EXAMPLE_CERTIFICATE_ARN =
  'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

const thresholdsAll = (value: number): Record<string, number> =>
  Object.fromEntries(Object.keys(ALARM_DEFAULTS).map((name) => [name, value]));

/**
 * Every variant, in report order.
 *
 * @example
 * ```ts
 * for (const { name, context } of LINT_VARIANTS) writeTemplate(name, templateFor(context));
 * ```
 */
export const LINT_VARIANTS: readonly LintVariant[] = [
  { name: 'dev (defaults)', context: {} },
  { name: 'prod (resources retained)', context: { stage: 'prod' } },
  {
    name: 'imported secret',
    context: { amtSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:smartcar/amt-AbCdEf' },
  },
  { name: 'alarm email', context: { alarmEmail: 'ops@example.com' } },
  { name: 'no archive', context: { archive: false } },
  { name: 'function-url', context: { ingress: 'function-url' } },
  { name: 'rest-api with WAF', context: { ingress: 'rest-api' } },
  {
    name: 'http-api on a custom domain',
    context: { ingress: 'http-api', domainName: 'hooks.example.com', certificateArn: EXAMPLE_CERTIFICATE_ARN },
  },
  {
    name: 'rest-api on a custom domain, lowest WAF limit',
    context: {
      ingress: 'rest-api',
      domainName: 'hooks.example.com',
      certificateArn: EXAMPLE_CERTIFICATE_ARN,
      wafRateLimit: WAF_DEFAULTS.minRateLimit,
    },
  },
  { name: 'rest-api, highest WAF limit', context: { ingress: 'rest-api', wafRateLimit: WAF_DEFAULTS.maxRateLimit } },
  {
    name: 'function-url, lowest values',
    context: { ingress: 'function-url', receiverReservedConcurrency: 1, dataPath: '/a', errorPath: '/b' },
  },
  {
    name: 'lowest values',
    context: {
      stage: 'low',
      logLevel: 'DEBUG',
      logRetentionDays: 1,
      removalPolicy: 'retain',
      dataPath: '/a',
      errorPath: '/b',
      throttleRateLimit: 1,
      throttleBurstLimit: 1,
      receiverMemoryMb: 128,
      receiverTimeoutSeconds: RECEIVER_MIN_TIMEOUT_SECONDS,
      receiverReservedConcurrency: 1,
      processorMemoryMb: 128,
      processorTimeoutSeconds: PROCESSOR_MIN_TIMEOUT_SECONDS,
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 2,
      maxReceiveCount: 1,
      deliveryToleranceSeconds: 0,
      futureToleranceSeconds: 0,
      alarmThresholds: thresholdsAll(0),
      archiveRetentionDays: 1,
    },
  },
  { name: 'customer managed key, a year of logs', context: { encryptionKey: 'create', logRetentionDays: 365 } },
  {
    name: 'customer managed key, rest-api with WAF, prod',
    context: { encryptionKey: 'create', ingress: 'rest-api', stage: 'prod' },
  },
  {
    name: 'customer managed key, function-url, alarm email',
    context: { encryptionKey: 'create', ingress: 'function-url', alarmEmail: 'ops@example.com' },
  },
  { name: 'imported key', context: { encryptionKey: EXAMPLE_KEY_ARN } },
  {
    name: 'highest values',
    context: {
      stage: 'high',
      logLevel: 'ERROR',
      logRetentionDays: 3653,
      removalPolicy: 'destroy',
      dataPath: '/hooks/v4/smartcar.data',
      errorPath: '/hooks/v4/smartcar.data/errors',
      throttleRateLimit: 10_000,
      throttleBurstLimit: 5_000,
      receiverMemoryMb: 10_240,
      receiverTimeoutSeconds: 14,
      receiverReservedConcurrency: 10_000,
      processorMemoryMb: 10_240,
      processorTimeoutSeconds: 900,
      batchSize: 10_000,
      maxBatchingWindowSeconds: 300,
      maxConcurrency: 1_000,
      maxReceiveCount: 1_000,
      deliveryToleranceSeconds: PIPELINE_DEFAULTS.idempotencyTtlSeconds,
      futureToleranceSeconds: 86_400,
      alarmThresholds: thresholdsAll(Number.MAX_SAFE_INTEGER),
      archiveRetentionDays: ARCHIVE_DEFAULTS.maxRetentionDays,
    },
  },
];
