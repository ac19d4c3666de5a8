import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, PIPELINE_DEFAULTS, ROUTES, SERVICE } from '../../lambda/core/constants.ts';
import { QUARANTINE_PREFIX } from '../../lambda/core/quarantine-layout.ts';
import { DEFAULT_LOG_LEVEL, RECEIVER_DEFAULTS, RESOURCE_DEFAULTS } from '../defaults.ts';
import { overrideProps } from '../override-props.ts';
import { type FunctionOverrides, FunctionWithLogGroup } from './function-with-log-group.ts';

/** Properties of {@link ReceiverFunction}. */
export interface ReceiverFunctionProps {
  /** The queue every accepted delivery is written to. */
  readonly queue: IQueue;
  /** The secret holding the AMT. */
  readonly secret: ISecret;
  /** CloudWatch namespace of the custom metrics (per stage). */
  readonly metricsNamespace: string;
  /**
   * Path of the "Vehicle error callback URI" route; deliveries on it are tagged `route=error`.
   * @default ROUTES.ERROR_PATH
   */
  readonly errorCallbackPath?: string;
  /**
   * Replay window, in seconds: a signed delivery whose `meta.deliveredAt` is further than this
   * from the receiver's clock is refused (`stale_delivery`); 0 turns the check off.
   * @default PIPELINE_DEFAULTS.deliveryToleranceSeconds (900)
   */
  readonly deliveryToleranceSeconds?: number;
  /**
   * Memory in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout. Must stay well under Smartcar's 15 s response deadline.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency, to cap what a flood can cost or to guarantee capacity.
   * @default - none
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Powertools log level.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * Retention of the function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Removal policy of the function's log group.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * `NodejsFunction` props merged over the receiver's (environment variables are added to its own).
   * @default - none
   */
  readonly functionProps?: FunctionOverrides;
}

/** Default props of `ReceiverFunction`. */
export const RECEIVER_PROPS_DEFAULTS = {
  errorCallbackPath: ROUTES.ERROR_PATH,
  deliveryToleranceSeconds: PIPELINE_DEFAULTS.deliveryToleranceSeconds,
  memorySize: RECEIVER_DEFAULTS.memoryMb,
  timeout: Duration.seconds(RECEIVER_DEFAULTS.timeoutSeconds),
  logLevel: DEFAULT_LOG_LEVEL,
  ...RESOURCE_DEFAULTS,
} as const satisfies Partial<ReceiverFunctionProps>;

/**
 * The receiver Lambda: verifies the HMAC, answers VERIFY, writes the raw body to SQS, and
 * stores a signed body SQS cannot take in the quarantine (`quarantineTo`, required).
 *
 * Its role may send to its one queue, read its one secret, put objects under `quarantine/` of
 * one bucket, and write its own logs; nothing else (no `GetQueueAttributes`, no
 * `DescribeSecret`, no S3 read or delete: the handler needs none of them).
 *
 * @example
 * ```ts
 * const receiver = new ReceiverFunction(this, 'Receiver', {
 *   queue, secret, metricsNamespace: 'SmartcarWebhooks/dev',
 * });
 * receiver.quarantineTo(archive.bucket);
 * ```
 */
export class ReceiverFunction extends Construct {
  /** The function. */
  public readonly function: NodejsFunction;
  /** Its log group. */
  public readonly logGroup: FunctionWithLogGroup['logGroup'];
  /** The bucket of the quarantine, once {@link quarantineTo} named it. */
  private quarantineBucket?: IBucket;
  /** Its execution role. */
  private readonly role: FunctionWithLogGroup['role'];
  /** The key its queue is encrypted with, whose grant already covers `kms:GenerateDataKey`. */
  private readonly queueKey?: IKey;

  public constructor(scope: Construct, id: string, userProps: ReceiverFunctionProps) {
    super(scope, id);
    const props = overrideProps(RECEIVER_PROPS_DEFAULTS, userProps);
    const timeout = props.functionProps?.timeout ?? props.timeout;
    if (timeout.toSeconds() > RECEIVER_DEFAULTS.maxTimeoutSeconds) {
      // Smartcar drops the connection at 15 s: a longer timeout only hides a stuck receiver.
      throw new Error(
        `Receiver timeout must be at most ${RECEIVER_DEFAULTS.maxTimeoutSeconds} s (Smartcar waits 15 s), got ${timeout.toSeconds()} s`,
      );
    }

    const fn = new FunctionWithLogGroup(this, 'Receiver', {
      name: 'receiver',
      description: 'Smartcar webhook receiver: verifies the signature and enqueues the raw body',
      memorySize: props.memorySize,
      timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      functionProps: props.functionProps,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      environment: {
        [ENV.QUEUE_URL]: props.queue.queueUrl,
        [ENV.AMT_SECRET_ID]: props.secret.secretArn,
        [ENV.AMT_CACHE_SECONDS]: String(PIPELINE_DEFAULTS.amtCacheSeconds),
        [ENV.MAX_BODY_BYTES]: String(PIPELINE_DEFAULTS.maxBodyBytes),
        [ENV.ERROR_CALLBACK_PATH]: props.errorCallbackPath,
        [ENV.DELIVERY_TOLERANCE_SECONDS]: String(props.deliveryToleranceSeconds),
        [ENV.SERVICE_NAME]: SERVICE.RECEIVER,
        [ENV.METRICS_NAMESPACE]: props.metricsNamespace,
        [ENV.LOG_LEVEL]: props.logLevel,
      },
    });

    // SendMessageCommand (persist-delivery.ts), by queue URL: no GetQueueUrl. queue.grantSendMessages
    // would also grant GetQueueAttributes and GetQueueUrl.
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queue.queueArn] }),
    );
    // GetSecretValueCommand (signature-check.ts). secret.grantRead would add DescribeSecret.
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [props.secret.secretArn],
      }),
    );
    // Sending to a queue on a customer managed key takes the data key: SQS calls
    // kms:GenerateDataKey and kms:Decrypt on the sender's behalf (SQS key management guide).
    props.queue.encryptionMasterKey?.grant(fn.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    // GetSecretValue on a secret encrypted with a customer managed key: Secrets Manager calls
    // kms:Decrypt on the caller's behalf; the queue's grant covers it when the key is the same.
    if (props.secret.encryptionKey !== props.queue.encryptionMasterKey)
      props.secret.encryptionKey?.grant(fn.role, 'kms:Decrypt');

    Validations.of(fn.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by API Gateway only: a failure is a 5xx that Smartcar retries, so an async dead-letter target would never receive anything.',
    });

    this.function = fn.function;
    this.logGroup = fn.logGroup;
    this.role = fn.role;
    this.queueKey = props.queue.encryptionMasterKey;
    // The function refuses to start without a quarantine (a signed body the queue cannot take
    // would have nowhere to go), so a stack that never names one must not synthesize.
    this.node.addValidation({
      validate: () =>
        this.quarantineBucket
          ? []
          : ['ReceiverFunction needs a quarantine bucket: call quarantineTo(bucket) (docs/quarantine.md)'],
    });
  }

  /**
   * Stores signed deliveries that cannot be processed normally under `quarantine/` of `bucket`
   * (`docs/quarantine.md`): sets `QUARANTINE_BUCKET_NAME` and lets the role put objects there and
   * nowhere else (no read, no list, no delete: the receiver only writes). With `encryptionKey`
   * (the bucket's SSE-KMS key), also `kms:GenerateDataKey`, which S3 calls on the writer's behalf
   * for each new object (a single PutObject needs no `kms:Decrypt`).
   *
   * @example
   * ```ts
   * receiver.quarantineTo(archive.bucket, encryptionKey);
   * ```
   */
  public quarantineTo(bucket: IBucket, encryptionKey?: IKey): void {
    if (this.quarantineBucket) throw new Error('ReceiverFunction.quarantineTo may be called once');
    this.quarantineBucket = bucket;
    this.function.addEnvironment(ENV.QUARANTINE_BUCKET_NAME, bucket.bucketName);
    const { role } = this;
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${QUARANTINE_PREFIX}*`)] }),
    );
    if (encryptionKey !== this.queueKey) encryptionKey?.grant(role, 'kms:GenerateDataKey');
    const stack = Stack.of(this);
    const cfnBucket = bucket.node.defaultChild as CfnBucket | undefined;
    if (cfnBucket) {
      const bucketLogicalId = stack.resolve(stack.getLogicalId(cfnBucket)) as string;
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${QUARANTINE_PREFIX}*]`,
        reason: `PutObject only, under ${QUARANTINE_PREFIX}, whose keys the receiver makes up per delivery (reason, hour, id); no read, list or delete.`,
      });
    }
  }
}
