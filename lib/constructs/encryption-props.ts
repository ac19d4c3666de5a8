import { Duration, type IAspect } from 'aws-cdk-lib';
import { TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { SQS_DATA_KEY_REUSE_SECONDS } from './encryption.ts';

/**
 * The encryption settings each kind of resource takes for the pipeline key, one place for each,
 * so every construct encrypts the same way: `undefined` (aws-managed) keeps today's defaults.
 */

/**
 * Queue props: SSE-KMS with the key and an explicit data-key reuse period, else SSE-SQS.
 *
 * @example
 * ```ts
 * new Queue(this, 'Queue', { ...queueEncryption(props.encryptionKey), enforceSSL: true });
 * ```
 */
export function queueEncryption(key: IKey | undefined) {
  return key
    ? {
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: key,
        dataKeyReuse: Duration.seconds(SQS_DATA_KEY_REUSE_SECONDS),
      }
    : { encryption: QueueEncryption.SQS_MANAGED };
}

/**
 * Table props: the customer managed key, else DynamoDB's AWS-owned key.
 *
 * @example
 * ```ts
 * new Table(this, 'Table', { partitionKey, ...tableEncryption(props.encryptionKey) });
 * ```
 */
export function tableEncryption(key: IKey | undefined) {
  return key
    ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: key }
    : { encryption: TableEncryption.DEFAULT };
}

/**
 * Bucket props for the archive (lib/constructs/archive.ts): SSE-KMS with an S3 Bucket Key, so S3
 * asks KMS for a bucket-level key now and then instead of once per object, else SSE-S3. The
 * Firehose delivery role then needs `kms:GenerateDataKey` and `kms:Decrypt` through S3 for this
 * bucket (ArchiveS3Destination adds them).
 *
 * @example
 * ```ts
 * new Bucket(this, 'Bucket', { ...archiveBucketEncryption(props.encryptionKey), enforceSSL: true });
 * ```
 */
export function archiveBucketEncryption(key: IKey | undefined) {
  return key
    ? { encryption: BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }
    : { encryption: BucketEncryption.S3_MANAGED };
}

/**
 * A Direct PUT Firehose stream's server-side encryption on the key (the L1 property): Firehose
 * creates and manages its own KMS grant for it (API reference,
 * DeliveryStreamEncryptionConfigurationInput), so no role needs the key and producers need no KMS
 * permission. Set on the L1 because the L2's `StreamEncryption.customerManagedKey()` also creates
 * a "Service Role" with `kms:Encrypt`, `kms:ReEncrypt*` and `kms:GenerateDataKey*` that nothing uses.
 *
 * @example
 * ```ts
 * (stream.node.defaultChild as CfnDeliveryStream).deliveryStreamEncryptionConfigurationInput = deliveryStreamEncryption(key);
 * ```
 */
export function deliveryStreamEncryption(
  key: IKey,
): CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty {
  return { keyType: 'CUSTOMER_MANAGED_CMK', keyArn: key.keyArn };
}

/**
 * Puts every log group of the scope it visits on the key (`KmsKeyId`): the functions', the API
 * access and execution logs, the WAF's, and any a later construct adds, so none is left on the
 * service's own key by omission (CT.CLOUDWATCH.PR.3 checks all of them). A group that already
 * names a key keeps it.
 *
 * @example
 * ```ts
 * if (key) Aspects.of(stack).add(new EncryptLogGroups(key));
 * ```
 */
export class EncryptLogGroups implements IAspect {
  public constructor(private readonly key: IKey) {}

  public visit(node: IConstruct): void {
    if (node instanceof CfnLogGroup && node.kmsKeyId === undefined) node.kmsKeyId = this.key.keyArn;
  }
}
