import type { IngressKind } from '../../lib/constructs/ingress-types.ts';

/**
 * Every IAM action each function's role is granted, on which resource, and which call uses it.
 * `iam.test.ts` asserts each role's synthesized statements allow exactly these (an extra grant
 * fails); the deployment rehearsal checks every AWS call the bundles make against the template
 * and against this table.
 *
 * Resources are named as template resources: `type` plus the start of the logical id, and the
 * `Fn::GetAtt` attribute whose value is the ARN (`undefined`: the `Ref` is the ARN).
 */

/**
 * Who makes the call: the function's own code (observable in the rehearsal), the Lambda service
 * using the role, or Firehose using the archive's delivery role.
 */
export type GrantCaller = 'function-code' | 'lambda-service' | 'firehose-service';

/** One template resource, found by type and logical-id prefix. */
export interface ExpectedResource {
  type: string;
  logicalIdPrefix: string;
  /** The attribute that holds the ARN; undefined when `Ref` is the ARN. */
  arnAttribute: string | undefined;
  /** Appended to the ARN: the objects under a prefix of a bucket, e.g. `/events/*`. */
  arnSuffix?: string;
}

/** One granted action on one resource, and why it is there. */
export interface ExpectedGrant {
  action: string;
  resource: ExpectedResource;
  caller: GrantCaller;
  /** The call that needs it, where it is made. */
  usedBy: string;
}

/** One function, its role and everything the role may do. */
export interface ExpectedFunctionGrants {
  functionLogicalIdPrefix: string;
  roleLogicalIdPrefix: string;
  grants: readonly ExpectedGrant[];
}

const LOG_WRITING = (logGroup: ExpectedResource): ExpectedGrant[] => [
  {
    action: 'logs:CreateLogStream',
    resource: logGroup,
    caller: 'lambda-service',
    usedBy: "Lambda creates each execution environment's log stream in the function's own log group",
  },
  {
    action: 'logs:PutLogEvents',
    resource: logGroup,
    caller: 'lambda-service',
    usedBy: "Lambda ships the function's stdout/stderr (Powertools logs and EMF metrics) to that stream",
  },
];

/** Which pipeline the grant table describes. */
export interface GrantTableOptions {
  /**
   * Start of every logical id of the pipeline: `''` for `SmartcarWebhookStack` (its pipeline's
   * path hides the construct), the construct's id for a `SmartcarWebhookReceiver` built elsewhere.
   * @default ''
   */
  prefix?: string;
  /** Start of the AMT secret's logical id, when the pipeline uses another one's secret. @default `${prefix}AmtSecret` */
  secretLogicalIdPrefix?: string;
  /** The example vehicle-state store (`vehicleStateStore`). @default true */
  vehicleStateStore?: boolean;
  /** The archive (`archive`): the processor's PutRecordBatch (the delivery role: {@link archiveIamExpectedFor}). @default true */
  archive?: boolean;
}

/** A template resource of the pipeline with the given logical-id prefix. */
function resourceOf(prefix: string) {
  return (type: string, logicalIdPrefix: string, arnAttribute: string | undefined): ExpectedResource => ({
    type,
    logicalIdPrefix: `${prefix}${logicalIdPrefix}`,
    arnAttribute,
  });
}

/**
 * The grant table, per function, of one pipeline. There are no other roles: no custom
 * resources, no AWS-managed policies (`iam.test.ts` checks both).
 *
 * @example
 * ```ts
 * iamExpectedFor({ prefix: 'Fleet' }).processor.roleLogicalIdPrefix; // 'FleetProcessingProcessorRole'
 * ```
 */
export function iamExpectedFor(
  options: GrantTableOptions = {},
): Record<'receiver' | 'processor', ExpectedFunctionGrants> {
  const prefix = options.prefix ?? '';
  const resource = resourceOf(prefix);
  const RECEIVER_LOG_GROUP = resource('AWS::Logs::LogGroup', 'ReceiverLogGroup', 'Arn');
  const PROCESSOR_LOG_GROUP = resource('AWS::Logs::LogGroup', 'ProcessingProcessorLogGroup', 'Arn');
  const QUEUE = resource('AWS::SQS::Queue', 'ProcessingQueue', 'Arn');
  const AMT_SECRET: ExpectedResource = {
    type: 'AWS::SecretsManager::Secret',
    logicalIdPrefix: options.secretLogicalIdPrefix ?? `${prefix}AmtSecret`,
    arnAttribute: undefined,
  };
  const IDEMPOTENCY_TABLE = resource('AWS::DynamoDB::Table', 'ProcessingIdempotencyTable', 'Arn');
  const VEHICLE_STATE_TABLE = resource('AWS::DynamoDB::Table', 'ProcessingVehicleStateTable', 'Arn');
  const ARCHIVE_STREAM = resource('AWS::KinesisFirehose::DeliveryStream', 'ArchiveStream', 'Arn');
  // The quarantine: the archive bucket's quarantine/ prefix, or a bucket of its own without one.
  const QUARANTINE_OBJECTS: ExpectedResource = {
    ...resource('AWS::S3::Bucket', options.archive === false ? 'QuarantineBucket' : 'ArchiveBucket', 'Arn'),
    arnSuffix: '/quarantine/*',
  };

  return {
    receiver: {
      functionLogicalIdPrefix: `${prefix}ReceiverFunction`,
      roleLogicalIdPrefix: `${prefix}ReceiverRole`,
      grants: [
        ...LOG_WRITING(RECEIVER_LOG_GROUP),
        {
          action: 'sqs:SendMessage',
          resource: QUEUE,
          caller: 'function-code',
          usedBy: 'SendMessageCommand in lambda/receiver/persist-delivery.ts (every accepted delivery)',
        },
        {
          action: 'secretsmanager:GetSecretValue',
          resource: AMT_SECRET,
          caller: 'function-code',
          usedBy: 'GetSecretValueCommand in lambda/receiver/signature-check.ts (the AMT, cached)',
        },
        {
          action: 's3:PutObject',
          resource: QUARANTINE_OBJECTS,
          caller: 'function-code',
          usedBy: 'PutObjectCommand in lambda/receiver/persist-delivery.ts (a signed body the queue cannot take)',
        },
      ],
    },
    processor: {
      functionLogicalIdPrefix: `${prefix}ProcessingProcessorFunction`,
      roleLogicalIdPrefix: `${prefix}ProcessingProcessorRole`,
      grants: [
        ...LOG_WRITING(PROCESSOR_LOG_GROUP),
        {
          action: 'sqs:ReceiveMessage',
          resource: QUEUE,
          caller: 'lambda-service',
          usedBy: "the SQS event source mapping polls the queue with the function's role",
        },
        {
          action: 'sqs:DeleteMessage',
          resource: QUEUE,
          caller: 'lambda-service',
          usedBy: 'the event source mapping deletes the records the batch response did not report as failed',
        },
        {
          action: 'sqs:GetQueueAttributes',
          resource: QUEUE,
          caller: 'lambda-service',
          usedBy: "the event source mapping reads the queue's attributes (checked when the mapping is created)",
        },
        {
          action: 'dynamodb:PutItem',
          resource: IDEMPOTENCY_TABLE,
          caller: 'function-code',
          usedBy: 'Powertools Idempotency _putRecord: the conditional INPROGRESS record per eventId',
        },
        {
          action: 'dynamodb:GetItem',
          resource: IDEMPOTENCY_TABLE,
          caller: 'function-code',
          usedBy:
            'Powertools Idempotency _getRecord: reads the existing record when the refused put returned none (DynamoDB returns it; dynalite, as in the rehearsal, does not)',
        },
        {
          action: 'dynamodb:UpdateItem',
          resource: IDEMPOTENCY_TABLE,
          caller: 'function-code',
          usedBy: 'Powertools Idempotency _updateRecord: marks the record COMPLETED when its handler returns',
        },
        {
          action: 'dynamodb:DeleteItem',
          resource: IDEMPOTENCY_TABLE,
          caller: 'function-code',
          usedBy: 'Powertools Idempotency _deleteRecord: releases the record when a handler throws',
        },
        ...(options.vehicleStateStore === false
          ? []
          : ([
              {
                action: 'dynamodb:GetItem',
                resource: VEHICLE_STATE_TABLE,
                caller: 'function-code',
                usedBy: 'GetCommand in lambda/processor/store/versioned-item.ts (consistent read before each merge)',
              },
              {
                action: 'dynamodb:PutItem',
                resource: VEHICLE_STATE_TABLE,
                caller: 'function-code',
                usedBy: 'PutCommand in lambda/processor/store/versioned-item.ts (conditional write of the merged item)',
              },
            ] as const)),
        ...(options.archive === false
          ? []
          : ([
              {
                action: 'firehose:PutRecordBatch',
                resource: ARCHIVE_STREAM,
                caller: 'function-code',
                usedBy:
                  'PutRecordBatchCommand in lambda/processor/archive.ts (each batch, before its handlers; absent with -c archive=false)',
              },
            ] as const)),
      ],
    },
  };
}

/**
 * The grant table of `SmartcarWebhookStack`'s pipeline.
 *
 * @example
 * ```ts
 * for (const grant of IAM_EXPECTED.receiver.grants) console.log(grant.action, grant.usedBy);
 * ```
 */
export const IAM_EXPECTED = iamExpectedFor();

const PIPELINE_KEY: ExpectedResource = { type: 'AWS::KMS::Key', logicalIdPrefix: 'EncryptionKey', arnAttribute: 'Arn' };

/**
 * What each role gets on top of {@link IAM_EXPECTED} with `-c encryptionKey=create` (or a key
 * ARN): the KMS calls AWS services make with the role's credentials for the calls the functions
 * make. The key policy delegates to these IAM grants (its account statement); no role is named
 * in the key policy. `encryption.test.ts` evaluates each against the key policy.
 *
 * @example
 * ```ts
 * for (const grant of IAM_EXPECTED_WITH_CMK.receiver) console.log(grant.action, grant.usedBy);
 * ```
 */
export const IAM_EXPECTED_WITH_CMK = {
  receiver: [
    {
      action: 'kms:GenerateDataKey',
      resource: PIPELINE_KEY,
      caller: 'function-code',
      usedBy:
        'SQS, for SendMessageCommand (persist-delivery.ts), when its data key for the receiver has expired (every 300 s); S3, for PutObjectCommand (persist-delivery.ts) into the SSE-KMS bucket',
    },
    {
      action: 'kms:Decrypt',
      resource: PIPELINE_KEY,
      caller: 'function-code',
      usedBy:
        'SQS, for SendMessageCommand (the data key, SQS key management guide); Secrets Manager, for GetSecretValueCommand (signature-check.ts)',
    },
  ],
  processor: [
    {
      action: 'kms:Decrypt',
      resource: PIPELINE_KEY,
      caller: 'lambda-service',
      usedBy: "SQS, for the event source mapping's ReceiveMessage; DynamoDB, for every item call (the table key)",
    },
  ],
} as const satisfies Record<keyof typeof IAM_EXPECTED, readonly ExpectedGrant[]>;

/** Who may invoke the receiver (its resource policy: `AWS::Lambda::Permission`), and on what condition. */
export interface ExpectedInvoker {
  action: 'lambda:InvokeFunction' | 'lambda:InvokeFunctionUrl';
  principal: string;
  /**
   * What narrows the grant: the one API route or method it is for (`SourceArn` ending in the
   * route), or the Function URL (auth type NONE, or invoked via the URL only).
   */
  condition: { sourceArnEndsWith: string } | { functionUrlAuthType: 'NONE' } | { invokedViaFunctionUrl: true };
  usedBy: string;
}

/** A role no function assumes, that a front door brings. */
export interface ExpectedServiceRole {
  roleLogicalIdPrefix: string;
  trustedService: string;
  /** AWS-managed policies attached (the only place the stack has one), with the reason in the construct. */
  managedPolicies: readonly string[];
  usedBy: string;
}

/**
 * The receiver's invokers per front door (`-c ingress=...`) with the default paths, and the
 * roles each front door adds. `test/ingress/iam.test.ts` asserts each template has exactly these.
 *
 * @example
 * ```ts
 * for (const invoker of INGRESS_IAM_EXPECTED['rest-api'].invokers) console.log(invoker.usedBy);
 * ```
 */
export const INGRESS_IAM_EXPECTED = {
  'http-api': {
    invokers: [
      {
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        condition: { sourceArnEndsWith: '/*/*/webhooks/smartcar' },
        usedBy: 'the HTTP API route POST /webhooks/smartcar (HttpLambdaIntegration)',
      },
      {
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        condition: { sourceArnEndsWith: '/*/*/webhooks/smartcar/errors' },
        usedBy: 'the HTTP API route POST /webhooks/smartcar/errors',
      },
    ],
    roles: [],
  },
  'function-url': {
    invokers: [
      {
        action: 'lambda:InvokeFunctionUrl',
        principal: '*',
        condition: { functionUrlAuthType: 'NONE' },
        usedBy: 'anyone may call the public Function URL (the HMAC is the authentication)',
      },
      {
        action: 'lambda:InvokeFunction',
        principal: '*',
        condition: { invokedViaFunctionUrl: true },
        usedBy:
          'the invocation behind that URL call (required for public URLs since October 2025), through the URL only',
      },
    ],
    roles: [],
  },
  'rest-api': {
    invokers: [
      {
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        condition: { sourceArnEndsWith: '/POST/webhooks/smartcar' },
        usedBy: 'the REST method POST /webhooks/smartcar on its stage (LambdaIntegration, no test-invoke grant)',
      },
      {
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        condition: { sourceArnEndsWith: '/POST/webhooks/smartcar/errors' },
        usedBy: 'the REST method POST /webhooks/smartcar/errors on its stage',
      },
    ],
    roles: [
      {
        roleLogicalIdPrefix: 'IngressApiCloudWatchRole',
        trustedService: 'apigateway.amazonaws.com',
        managedPolicies: ['service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
        usedBy:
          'API Gateway writes REST access and execution logs through the Region-wide account role (AWS::ApiGateway::Account)',
      },
    ],
  },
} as const satisfies Record<
  IngressKind,
  { invokers: readonly ExpectedInvoker[]; roles: readonly ExpectedServiceRole[] }
>;

/** A role a service assumes (not a function), with everything it may do. */
export interface ExpectedServiceRoleGrants {
  roleLogicalIdPrefix: string;
  trustedService: string;
  grants: readonly ExpectedGrant[];
}

const FIREHOSE_S3_GUIDE = 'Firehose developer guide, "Grant Firehose access to an Amazon S3 destination"';

/**
 * The archive's role of one pipeline with an archive (`lib/constructs/archive.ts`; a pipeline with
 * `archive: false` has none):
 * Firehose assumes it to write the bucket. Its calls happen inside Firehose, so no test observes
 * them; each grant is one the Firehose guide lists for an S3 destination, scoped to what it writes.
 *
 * @example
 * ```ts
 * for (const grant of archiveIamExpectedFor({ prefix: 'Fleet' }).delivery.grants) console.log(grant.action, grant.usedBy);
 * ```
 */
export function archiveIamExpectedFor(
  options: Pick<GrantTableOptions, 'prefix'> = {},
): Record<'delivery', ExpectedServiceRoleGrants> {
  const prefix = options.prefix ?? '';
  const resource = resourceOf(prefix);
  const ARCHIVE_BUCKET = resource('AWS::S3::Bucket', 'ArchiveBucket', 'Arn');
  const ARCHIVE_OBJECTS = (objectPrefix: string): ExpectedResource => ({
    ...ARCHIVE_BUCKET,
    arnSuffix: `/${objectPrefix}*`,
  });
  const ARCHIVE_ERROR_LOG = resource('AWS::Logs::LogGroup', 'ArchiveDeliveryErrors', 'Arn');
  return {
    delivery: {
      roleLogicalIdPrefix: `${prefix}ArchiveDeliveryRole`,
      trustedService: 'firehose.amazonaws.com',
      grants: [
        {
          action: 's3:GetBucketLocation',
          resource: ARCHIVE_BUCKET,
          caller: 'firehose-service',
          usedBy: `Firehose checks the bucket's Region before delivering (${FIREHOSE_S3_GUIDE})`,
        },
        {
          action: 's3:ListBucket',
          resource: ARCHIVE_BUCKET,
          caller: 'firehose-service',
          usedBy: `Firehose lists the bucket while delivering (${FIREHOSE_S3_GUIDE})`,
        },
        {
          action: 's3:ListBucketMultipartUploads',
          resource: ARCHIVE_BUCKET,
          caller: 'firehose-service',
          usedBy: `Firehose finds its own unfinished multipart uploads (${FIREHOSE_S3_GUIDE})`,
        },
        ...['events/', 'errors/'].flatMap((objectPrefix): ExpectedGrant[] => [
          {
            action: 's3:PutObject',
            resource: ARCHIVE_OBJECTS(objectPrefix),
            caller: 'firehose-service',
            usedBy: `Firehose writes each GZIP object under ${objectPrefix}`,
          },
          {
            action: 's3:AbortMultipartUpload',
            resource: ARCHIVE_OBJECTS(objectPrefix),
            caller: 'firehose-service',
            usedBy: `Firehose cancels a failed multipart upload under ${objectPrefix} (${FIREHOSE_S3_GUIDE})`,
          },
          {
            action: 's3:GetObject',
            resource: ARCHIVE_OBJECTS(objectPrefix),
            caller: 'firehose-service',
            usedBy: `Firehose reads back what it wrote under ${objectPrefix} (${FIREHOSE_S3_GUIDE})`,
          },
        ]),
        {
          action: 'logs:PutLogEvents',
          resource: ARCHIVE_ERROR_LOG,
          caller: 'firehose-service',
          usedBy: "Firehose logs S3 delivery errors to the stream's error log stream",
        },
      ],
    },
  };
}

/**
 * The archive's role of `SmartcarWebhookStack`'s pipeline.
 *
 * @example
 * ```ts
 * for (const grant of ARCHIVE_IAM_EXPECTED.delivery.grants) console.log(grant.action, grant.usedBy);
 * ```
 */
export const ARCHIVE_IAM_EXPECTED = archiveIamExpectedFor();

/**
 * What the archive's delivery role gets on top of {@link ARCHIVE_IAM_EXPECTED} with a customer
 * managed key (`-c encryptionKey=create` or an ARN): the Firehose guide's KMS statement for an S3
 * destination on a bucket with SSE-KMS, only via S3 (`kms:ViaService`) and only for this bucket
 * (`kms:EncryptionContext:aws:s3:arn`, the bucket's ARN because the bucket has an S3 Bucket Key).
 *
 * @example
 * ```ts
 * for (const grant of ARCHIVE_IAM_EXPECTED_WITH_CMK.delivery) console.log(grant.action, grant.usedBy);
 * ```
 */
export const ARCHIVE_IAM_EXPECTED_WITH_CMK = {
  delivery: [
    {
      action: 'kms:GenerateDataKey',
      resource: PIPELINE_KEY,
      caller: 'firehose-service',
      usedBy: `S3, for Firehose's PutObject and multipart uploads under events/ and errors/ (the Bucket Key's data key; ${FIREHOSE_S3_GUIDE})`,
    },
    {
      action: 'kms:Decrypt',
      resource: PIPELINE_KEY,
      caller: 'firehose-service',
      usedBy: `S3, for Firehose's multipart uploads and its GetObject of what it wrote (${FIREHOSE_S3_GUIDE})`,
    },
  ],
} as const satisfies Record<'delivery', readonly ExpectedGrant[]>;
