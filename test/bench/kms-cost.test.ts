import { describe, expect, it } from 'vitest';
import { kmsCost } from '../../bench/kms-cost.ts';
import { readStackSettings } from '../../bench/stack-settings.ts';
import { SQS_DATA_KEY_REUSE_SECONDS } from '../../lib/constructs/encryption.ts';

describe('KMS cost model with the customer managed key', () => {
  it('prices the key as the CMK variant configures it, not as assumed', () => {
    // Prepare
    const stack = readStackSettings();

    // Act
    const cmk = stack.encryption_with_cmk!;
    const kms = kmsCost(stack);

    // Assess
    expect(cmk.customer_managed_keys).toBe(1);
    expect(cmk.main_queue_on_cmk).toBe(true);
    expect(cmk.sqs_data_key_reuse_seconds).toBe(SQS_DATA_KEY_REUSE_SECONDS);
    expect(cmk.dynamodb_tables_on_cmk).toBe(cmk.dynamodb_tables);
    expect(cmk.busy_log_groups_on_cmk).toBe(cmk.busy_log_groups);
    // The archive bucket is on the key with a Bucket Key, so its line is priced, not refused.
    expect(cmk.s3_buckets).toBe(1);
    expect(cmk.s3_buckets_on_cmk).toBe(1);
    expect(cmk.s3_buckets_with_bucket_key).toBe(1);
    expect(kms.customer_managed.lines.find((l) => l.item.startsWith('S3 archive'))?.requests).toBeGreaterThan(0);
    expect(kms.customer_managed.lines.find((l) => l.item.startsWith('SQS'))?.basis).toContain(
      `reused ${SQS_DATA_KEY_REUSE_SECONDS} s`,
    );
  });

  it('refuses to price a bucket on the key without an S3 Bucket Key (one request per object)', () => {
    // Prepare
    const stack = readStackSettings();
    const withBucket = {
      ...stack,
      encryption_with_cmk: {
        ...stack.encryption_with_cmk!,
        s3_buckets: 1,
        s3_buckets_on_cmk: 1,
        s3_buckets_with_bucket_key: 0,
      },
    };

    // Act
    const price = () => kmsCost(withBucket);

    // Assess
    expect(price).toThrow(/S3 Bucket Key/);
  });
});
