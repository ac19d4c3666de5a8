import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DEFAULT_ENCRYPTION_KEY, KMS_KEY_ARN } from '../defaults.ts';
import type { EncryptionKeySetting } from '../types.ts';

/**
 * How long SQS reuses one data key before it asks KMS again (`KmsDataKeyReusePeriodSeconds`).
 * 300 s (SQS's own default, set explicitly so the cost model reads what is deployed): at one
 * producer and one consumer that is about 26,000 requests a month per busy queue, $0.08, against
 * $0.0003 at the 24-hour maximum. A few cents do not buy a day-long window in which a disabled
 * key or a revoked grant still lets messages through.
 */
export const SQS_DATA_KEY_REUSE_SECONDS = 300;

/** Properties of {@link PipelineKey}. */
export interface PipelineKeyProps {
  /** @default DEFAULT_ENCRYPTION_KEY ('aws-managed': no key) */
  readonly setting?: EncryptionKeySetting;
  /**
   * What happens to a created key when the stack is deleted (the stack's removalPolicy
   * setting). DESTROY schedules deletion after the 7-day minimum waiting period.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The created key's alias, after `alias/` (unique per account and Region).
   * @default - the stack name
   */
  readonly aliasName?: string;
}

/**
 * The pipeline's one customer managed key, created or imported, or none (`aws-managed`).
 *
 * The created key's policy allows exactly:
 * - the account (the default root statement): key administration and every IAM policy in the
 *   account that names the key, which is how the function roles get theirs (`key.grant`), each
 *   for the calls it makes;
 * - CloudWatch Logs (`logs.<region>.amazonaws.com`), only for log groups of this account and
 *   Region (`kms:EncryptionContext:aws:logs:arn`), as the CloudWatch Logs guide's key policy does;
 * - CloudWatch (`cloudwatch.amazonaws.com`) `kms:Decrypt` + `kms:GenerateDataKey*`, on behalf of
 *   this stack's alarms only, so they can publish to the encrypted alarm topic (the SNS guide:
 *   "compatibility between event sources from AWS services and encrypted topics"). Monitoring's
 *   `topic.grantPublish` adds it, with the topic policy's own source conditions;
 * - Secrets Manager's statements that `Secret` adds for its key (the account's principals, only
 *   through Secrets Manager: nothing the root statement does not already delegate);
 * - and it denies `kms:CreateGrant` to anyone but AWS services creating grants for their own
 *   resources (DynamoDB does at table creation), as Control Tower's CT.KMS.PR.3 asks.
 * SQS, DynamoDB and Secrets Manager need no statement of their own: they call KMS on behalf of
 * the role making the request, so the roles' own grants decide.
 *
 * @example
 * ```ts
 * const { key } = new PipelineKey(this, 'Encryption', { setting: 'create', removalPolicy });
 * new Processing(this, 'Processing', { metricsNamespace, encryptionKey: key });
 * ```
 */
export class PipelineKey extends Construct {
  /** The customer managed key, or undefined with `aws-managed`. */
  public readonly key?: IKey;
  /** True when this stack created the key (and so owns its policy). */
  public readonly created: boolean;

  public constructor(scope: Construct, id: string, props: PipelineKeyProps = {}) {
    super(scope, id);
    const setting = props.setting ?? DEFAULT_ENCRYPTION_KEY;
    this.created = setting === 'create';
    if (setting === 'aws-managed') return;
    if (setting !== 'create') {
      if (!KMS_KEY_ARN.test(setting))
        throw new EncryptionError(`encryptionKey must be aws-managed, create or a KMS key ARN, got ${setting}`);
      this.key = Key.fromKeyArn(this, 'Imported', setting);
      return;
    }

    const stack = Stack.of(this);
    const key = new Key(this, 'Key', {
      description: `Encrypts the Smartcar webhook pipeline ${stack.stackName}: queues, tables, logs, alarm topic, AMT secret`,
      enableKeyRotation: true,
      alias: `alias/${props.aliasName ?? stack.stackName}`,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const statement of pipelineKeyStatements(stack)) key.addToResourcePolicy(statement);
    this.key = key;
  }
}

/**
 * The statements a created pipeline key gets here (the account's root statement comes first, the
 * alarms' and the secret's from the constructs that use the key). The owner of an imported key
 * adds the CloudWatch Logs one and the alarms' one to its policy (README "Encryption").
 *
 * @example
 * ```ts
 * for (const statement of pipelineKeyStatements(Stack.of(this))) key.addToResourcePolicy(statement);
 * ```
 */
export function pipelineKeyStatements(stack: Stack): PolicyStatement[] {
  const logGroups = stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: '*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return [
    new PolicyStatement({
      sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
      principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroups } },
    }),
    new PolicyStatement({
      sid: 'GrantsOnlyForAwsResources',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  ];
}

/** A bad `encryptionKey` or a key that cannot be used where it was given. */
export class EncryptionError extends Error {
  public constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EncryptionError';
  }
}
