import { MONTH_SECONDS } from './constants.ts';
import { PRICES } from './prices.ts';
import { round } from './stats.ts';
import type { EncryptionSettings, KmsCost, KmsRequestLine, StackSettings } from './types.ts';

/**
 * How long an AWS service reuses one data key before it calls KMS again, where the service does
 * not let the template say: DynamoDB caches a table key for 5 minutes per caller, CloudWatch Logs
 * and S3 Bucket Keys likewise re-derive about every 5 minutes (an estimate; AWS documents "up to
 * 99% fewer requests" for Bucket Keys, not a period).
 */
export const SERVICE_KEY_CACHE_SECONDS = 300;

/** SQS's default `KmsDataKeyReusePeriodSeconds`, when the queue does not set one. */
export const SQS_DEFAULT_DATA_KEY_REUSE_SECONDS = 300;

/**
 * KMS requests a month with the stack's current keys, and as if every resource that can took a
 * customer managed key (`-c encryptionKey=create`). Requests follow time, not volume, because
 * every service reuses data keys; only S3 without a Bucket Key would pay per object.
 *
 * - Secrets Manager: one Decrypt per GetSecretValue (the AWS-managed `aws/secretsmanager` key is
 *   billed per request too), i.e. one per receiver cache refresh.
 * - SQS (AWS docs, "Estimating KMS costs"): `R = B / D * (2P + C)` per queue, B the billing period,
 *   D the data-key reuse period, P producing and C consuming principals (receiver, processor).
 * - DynamoDB: one request per table per caller every 5 minutes of traffic.
 * - CloudWatch Logs: one per log group with steady traffic every 5 minutes.
 *
 * @example
 * ```ts
 * const kms = kmsCost(stack); // { current: { requests_per_month, usd_per_month, lines }, customer_managed: {...} }
 * ```
 */
export function kmsCost(stack: StackSettings): KmsCost {
  const current = stack.encryption;
  const secretCalls = MONTH_SECONDS / stack.amt_cache_seconds;
  const periods = (seconds: number): number => MONTH_SECONDS / seconds;
  const build = (cmk: boolean, e: EncryptionSettings): KmsCost['current'] => {
    const on = (count: number, onCmk: number): number => (cmk ? count : onCmk);
    const lines: KmsRequestLine[] = [
      {
        item: 'Secrets Manager (GetSecretValue -> Decrypt)',
        requests: secretCalls,
        basis: `1 per AMT cache refresh (${stack.amt_cache_seconds} s), AWS-managed or not`,
      },
      {
        item: 'SQS main queue (SendMessage / ReceiveMessage data keys)',
        requests: on(1, e.main_queue_on_cmk ? 1 : 0) * periods(e.sqs_data_key_reuse_seconds) * (2 * 1 + 1),
        basis: `B/D x (2P + C) with P = 1 (receiver), C = 1 (processor), data key reused ${e.sqs_data_key_reuse_seconds} s`,
      },
      {
        item: 'DynamoDB tables (table key per caller)',
        requests: on(e.dynamodb_tables, e.dynamodb_tables_on_cmk) * periods(SERVICE_KEY_CACHE_SECONDS),
        basis: `${cmk ? e.dynamodb_tables : e.dynamodb_tables_on_cmk} table(s) x 1 caller (processor) every ${SERVICE_KEY_CACHE_SECONDS} s`,
      },
      {
        item: 'CloudWatch Logs (log groups with steady traffic)',
        requests: on(e.busy_log_groups, e.busy_log_groups_on_cmk) * periods(SERVICE_KEY_CACHE_SECONDS),
        basis: `${cmk ? e.busy_log_groups : e.busy_log_groups_on_cmk} group(s) every ${SERVICE_KEY_CACHE_SECONDS} s (estimate)`,
      },
    ];
    if (e.s3_buckets > 0) {
      if (e.s3_buckets_on_cmk > e.s3_buckets_with_bucket_key) {
        // Without a Bucket Key S3 asks KMS once per object: model it before pricing it.
        throw new Error(
          'A bucket on the customer managed key has no S3 Bucket Key: its per-object KMS requests are not modelled',
        );
      }
      lines.push({
        item: 'S3 archive (S3 Bucket Key)',
        requests: on(e.s3_buckets, e.s3_buckets_on_cmk) * periods(SERVICE_KEY_CACHE_SECONDS),
        basis: 'a Bucket Key per bucket re-derived about every 5 minutes instead of one request per object',
      });
    }
    const requests = lines.reduce((sum, l) => sum + l.requests, 0);
    const keys = cmk ? Math.max(1, e.customer_managed_keys) : e.customer_managed_keys;
    return {
      requests_per_month: Math.round(requests),
      usd_per_month: round(requests * PRICES.kmsRequest.usd, 3),
      key_usd_per_month: keys * PRICES.kmsKeyMonth.usd,
      lines: lines.map((l) => ({ ...l, requests: Math.round(l.requests) })),
    };
  };
  const withCmk = stack.encryption_with_cmk ?? current;
  return {
    current: build(current.customer_managed_keys > 0, current),
    customer_managed: build(true, withCmk),
    aws_managed: build(false, current),
  };
}

/** Encryption facts of a template, for {@link kmsCost}. */
export function encryptionSettings(
  resources: ReadonlyArray<{ Type: string; Properties?: Record<string, unknown> }>,
): EncryptionSettings {
  const ofType = (type: string) => resources.filter((r) => r.Type === type);
  const queues = ofType('AWS::SQS::Queue');
  const mainQueue = queues.find((q) => q.Properties?.RedrivePolicy !== undefined);
  const tables = ofType('AWS::DynamoDB::Table');
  const groups = ofType('AWS::Logs::LogGroup');
  // Groups written on every event: the functions' and the API access log (not the WAF's blocked-only log).
  const busy = groups.filter(
    (g) =>
      !String(g.Properties?.LogGroupName ?? '').startsWith('aws-waf-logs-') &&
      !JSON.stringify(g.Properties?.LogGroupName ?? '').includes('Execution-Logs'),
  );
  const buckets = ofType('AWS::S3::Bucket');
  const onKms = (b: (typeof buckets)[number]) =>
    JSON.stringify(b.Properties?.BucketEncryption ?? '').includes('aws:kms');
  const tableOnCmk = (t: (typeof tables)[number]) =>
    (t.Properties?.SSESpecification as { KMSMasterKeyId?: unknown } | undefined)?.KMSMasterKeyId !== undefined;
  return {
    customer_managed_keys: ofType('AWS::KMS::Key').length,
    main_queue_on_cmk: mainQueue?.Properties?.KmsMasterKeyId !== undefined,
    sqs_data_key_reuse_seconds: Number(
      mainQueue?.Properties?.KmsDataKeyReusePeriodSeconds ?? SQS_DEFAULT_DATA_KEY_REUSE_SECONDS,
    ),
    dynamodb_tables: tables.length,
    dynamodb_tables_on_cmk: tables.filter(tableOnCmk).length,
    busy_log_groups: busy.length,
    busy_log_groups_on_cmk: busy.filter((g) => g.Properties?.KmsKeyId !== undefined).length,
    s3_buckets: buckets.length,
    s3_buckets_on_cmk: buckets.filter(onKms).length,
    s3_buckets_with_bucket_key: buckets.filter(
      (b) => onKms(b) && JSON.stringify(b.Properties?.BucketEncryption ?? '').includes('"BucketKeyEnabled":true'),
    ).length,
  };
}
