import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ARCHIVE_DEFAULTS } from '../defaults.ts';
import { archiveBucketEncryption } from './encryption-props.ts';

/**
 * The archive's bucket, created in the caller's scope (`EventArchive`) under the id it always had,
 * so its logical id stays: private (SSE-S3, or SSE-KMS with an S3 Bucket Key on `encryptionKey`;
 * TLS only, public access blocked, objects owned by the bucket owner), moved to Standard-IA after
 * 30 days and expired after `retentionDays`, and always retained.
 *
 * @example
 * ```ts
 * this.bucket = archiveBucket(this, props.retentionDays, props.encryptionKey);
 * ```
 */
export function archiveBucket(scope: Construct, retentionDays: number, encryptionKey?: IKey): Bucket {
  const bucket = new Bucket(scope, 'Bucket', {
    ...archiveBucketEncryption(encryptionKey),
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // Off: Firehose writes every object once under a unique key and nothing overwrites one, so
    // versions would only keep copies past their expiry. Deletion is guarded instead: no role
    // of the stack may delete (the delivery role only puts), and the bucket is retained.
    versioned: false,
    lifecycleRules: [
      {
        id: 'ColderThenExpire',
        transitions:
          retentionDays >= ARCHIVE_DEFAULTS.minRetentionForTransitionDays
            ? [
                {
                  storageClass: StorageClass.INFREQUENT_ACCESS,
                  transitionAfter: Duration.days(ARCHIVE_DEFAULTS.infrequentAccessAfterDays),
                },
              ]
            : [],
        expiration: Duration.days(retentionDays),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
    // The archive is the recovery copy of every event: deleting the stack never deletes it.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'Only Firehose and the receiver (its quarantine/ prefix) write here and only operators read it (replay, npm run quarantine); CloudTrail records those API calls. Server access logs would need a second bucket (with its own access-log finding) for no reader.',
  });
  return bucket;
}
