import { Stack } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { DestinationConfig, IDestination } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ILogGroup, ILogStream } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct, IDependable } from 'constructs';
import { ARCHIVE_OBJECT_EXTENSION } from '../../lambda/core/archive-layout.ts';

/** Properties of {@link ArchiveS3Destination}. */
export interface ArchiveS3DestinationProps {
  readonly bucket: IBucket;
  /** The role Firehose assumes to write; it gets exactly the grants below. */
  readonly role: IRole;
  /** Where Firehose logs delivery errors. */
  readonly logGroup: ILogGroup;
  readonly logStream: ILogStream;
  /** Object key prefix, with Firehose's `!{timestamp:...}` expressions. */
  readonly dataPrefix: string;
  /** Prefix of records Firehose could not deliver; must contain `!{firehose:error-output-type}`. */
  readonly errorPrefix: string;
  readonly bufferingIntervalSeconds: number;
  readonly bufferingSizeMiB: number;
  /** The key the bucket encrypts with (SSE-KMS with an S3 Bucket Key), if any. @default - none (SSE-S3) */
  readonly encryptionKey?: IKey;
}

/**
 * A Firehose S3 destination with a least-privilege role: aws-cdk-lib's `S3Bucket` destination
 * always calls `bucket.grantReadWrite(role)` (DeleteObject, PutObjectRetention, List* and more),
 * which the archive must never allow; this one grants only what the Firehose developer guide
 * ("Grant Firehose access to an Amazon S3 destination") lists, on the two prefixes it writes,
 * plus PutLogEvents on its error log stream, and with a bucket on a KMS key the guide's
 * `kms:GenerateDataKey` + `kms:Decrypt`, only through S3 and only for this bucket. UTC hour
 * prefixes, no dynamic partitioning and no processor. No compression by Firehose: each record
 * already is GZIP of whole lines (the processor packs a batch into as few records as fit, since
 * Firehose bills every record rounded up to 5 KB), so an object is those GZIP members end to
 * end, itself valid GZIP (RFC 1952: a file may hold several members; `gunzip` and Node's zlib
 * read them all; CloudWatch Logs subscriptions to Firehose make the same shape). `FileExtension`
 * keeps the `.gz` that GZIP compression gave the object names.
 *
 * @example
 * ```ts
 * new DeliveryStream(this, 'Stream', { destination: new ArchiveS3Destination({ bucket, role, ... }) });
 * ```
 */
export class ArchiveS3Destination implements IDestination {
  public constructor(private readonly props: ArchiveS3DestinationProps) {}

  public bind(_scope: Construct): DestinationConfig {
    const { bucket, role, logGroup, logStream } = this.props;
    const dependables: IDependable[] = [];
    const allow = (actions: string[], resource: string, conditions?: Record<string, Record<string, string>>): void => {
      const { policyDependable } = role.addToPrincipalPolicy(
        new PolicyStatement({ actions, resources: [resource], conditions }),
      );
      if (policyDependable) dependables.push(policyDependable);
    };
    // Bucket level: where the bucket is, and listing (Firehose checks for its own multipart uploads).
    allow(['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], bucket.bucketArn);
    // Object level, only under the two prefixes Firehose writes: no delete, no retention or ACL changes.
    for (const prefix of [staticPart(this.props.dataPrefix), staticPart(this.props.errorPrefix)]) {
      allow(['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], bucket.arnForObjects(`${prefix}*`));
    }
    allow(['logs:PutLogEvents'], logGroup.logGroupArn);
    if (this.props.encryptionKey) {
      // The Firehose guide's KMS statement for an S3 destination: GenerateDataKey to write,
      // Decrypt for multipart uploads and reading back, only when S3 calls KMS for this bucket.
      // With an S3 Bucket Key the encryption context S3 sends is the bucket's ARN, not the
      // object's (S3 guide, "Using Amazon S3 Bucket Keys"), so the condition names the bucket.
      allow(['kms:GenerateDataKey', 'kms:Decrypt'], this.props.encryptionKey.keyArn, {
        StringEquals: {
          'kms:ViaService': `s3.${Stack.of(bucket).region}.amazonaws.com`,
          'kms:EncryptionContext:aws:s3:arn': bucket.bucketArn,
        },
      });
    }
    return {
      extendedS3DestinationConfiguration: {
        bucketArn: bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: this.props.dataPrefix,
        errorOutputPrefix: this.props.errorPrefix,
        compressionFormat: 'UNCOMPRESSED',
        fileExtension: ARCHIVE_OBJECT_EXTENSION,
        bufferingHints: {
          intervalInSeconds: this.props.bufferingIntervalSeconds,
          sizeInMBs: this.props.bufferingSizeMiB,
        },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
      },
      dependables,
    };
  }
}

/** The part of a Firehose prefix before its first `!{...}` expression (`events/` of `events/!{timestamp:...}/`). */
function staticPart(prefix: string): string {
  const expression = prefix.indexOf('!{');
  if (expression <= 0) throw new Error(`The archive prefix "${prefix}" must start with a fixed folder`);
  return prefix.slice(0, expression);
}
