import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lib/config.ts';
import {
  type AccessRequest,
  createResolver,
  evaluate,
  type Resolver,
  resourcePolicyStatements,
  roleStatements,
  type Statement,
  type TemplateJson,
} from '../helpers/policy-evaluator.ts';
import { EXAMPLE_KEY_ARN } from './cfn-lint-variants.ts';
import { fastApp, logicalId, resourceByPrefix, templateFor } from './helpers.ts';
import {
  ARCHIVE_IAM_EXPECTED,
  ARCHIVE_IAM_EXPECTED_WITH_CMK,
  IAM_EXPECTED,
  IAM_EXPECTED_WITH_CMK,
} from './iam-expected.ts';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const STACK_NAME = 'SmartcarWebhooks-dev';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0d0e0a0d-beef-4000-8000-000000000000`;
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;

/** The CMK variant's template, resolved for one account, with the key's ARN fixed. */
function cmkStack(context: Record<string, unknown> = {}) {
  const template = templateFor({ encryptionKey: 'create', ...context });
  const json = template.toJSON() as TemplateJson;
  const key = logicalId(template, 'AWS::KMS::Key', 'EncryptionKey');
  const resolver = createResolver(json, {
    accountId: ACCOUNT,
    region: REGION,
    stackName: STACK_NAME,
    physical: { [key]: { arn: KEY_ARN, attributes: { Arn: KEY_ARN } } },
  });
  return { template, json, key, resolver, keyPolicy: resourcePolicyStatements(json, key, resolver) };
}

/**
 * KMS's own rule, which the generic evaluator does not model: a key policy is always required.
 * A principal may use the key when the key policy allows it directly, or when the key policy
 * allows the account (delegating to IAM) and the principal's identity policy allows it; any
 * explicit Deny in either wins.
 */
function kmsDecision(keyPolicy: Statement[], identity: Statement[], request: AccessRequest): 'allow' | 'deny' {
  const withIdentity = evaluate([...keyPolicy, ...identity], request);
  if (withIdentity === 'explicit-deny') return 'deny';
  if (evaluate(keyPolicy, request) === 'allow') return 'allow';
  const delegated = evaluate(keyPolicy, { ...request, principal: { arn: ROOT } }) === 'allow';
  return delegated && evaluate(identity, request) === 'allow' ? 'allow' : 'deny';
}

/** A role's request as an AWS service makes it on the role's behalf. */
function viaService(
  resolver: Resolver,
  role: string,
  action: string,
  service: string,
  context: Record<string, string> = {},
): AccessRequest {
  return {
    action,
    resource: KEY_ARN,
    principal: { arn: resolver.getAtt(role, 'Arn') },
    context: {
      'kms:ViaService': `${service}.${REGION}.amazonaws.com`,
      'kms:CallerAccount': ACCOUNT,
      'aws:PrincipalAccount': ACCOUNT,
      ...context,
    },
  };
}

describe('encryptionKey', () => {
  it("keeps today's AWS-managed encryption by default: no key, SSE-SQS, AWS-owned table key", () => {
    // Prepare
    const template = templateFor();

    // Act
    const keys = template.findResources('AWS::KMS::Key');
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));

    // Assess
    expect(keys).toEqual({});
    expect(queues.map((q) => q.Properties.SqsManagedSseEnabled)).toEqual([true, true]);
    expect(
      Object.values(template.findResources('AWS::DynamoDB::Table')).map((t) => t.Properties.SSESpecification),
    ).toEqual([{ SSEEnabled: false }, { SSEEnabled: false }]);
  });

  it("creates one rotating key with an alias and the stack's removal policy", () => {
    // Prepare
    const dev = templateFor({ encryptionKey: 'create' });
    const prod = templateFor({ encryptionKey: 'create', stage: 'prod' });

    // Act
    const devKey = Object.values(dev.findResources('AWS::KMS::Key'));
    const prodKey = Object.values(prod.findResources('AWS::KMS::Key'));

    // Assess
    expect(devKey).toHaveLength(1);
    expect(devKey[0]!.Properties.EnableKeyRotation).toBe(true);
    expect(devKey[0]!.DeletionPolicy).toBe('Delete');
    expect(prodKey[0]!.DeletionPolicy).toBe('Retain');
    expect(Object.values(dev.findResources('AWS::KMS::Alias')).map((a) => a.Properties.AliasName)).toEqual([
      'alias/SmartcarWebhooks-dev/Default',
    ]);
  });

  it('puts the queues, tables, every log group, the alarm topic and the secret on it', () => {
    // Prepare
    const { template, key } = cmkStack({ ingress: 'rest-api' });
    const onKey = { 'Fn::GetAtt': [key, 'Arn'] };
    const props = (type: string) => Object.values(template.findResources(type)).map((r) => r.Properties);

    // Act
    const queues = props('AWS::SQS::Queue');
    const tables = props('AWS::DynamoDB::Table');
    const logGroups = props('AWS::Logs::LogGroup');

    // Assess
    expect(queues.map((q) => [q.KmsMasterKeyId, q.KmsDataKeyReusePeriodSeconds, q.SqsManagedSseEnabled])).toEqual([
      [onKey, 300, undefined],
      [onKey, 300, undefined],
    ]);
    expect(tables.map((t) => t.SSESpecification)).toEqual([
      { KMSMasterKeyId: onKey, SSEEnabled: true, SSEType: 'KMS' },
      { KMSMasterKeyId: onKey, SSEEnabled: true, SSEType: 'KMS' },
    ]);
    expect(logGroups.length).toBeGreaterThanOrEqual(4); // functions, access, execution, WAF
    expect(new Set(logGroups.map((g) => JSON.stringify(g.KmsKeyId)))).toEqual(new Set([JSON.stringify(onKey)]));
    expect(props('AWS::SNS::Topic').map((t) => t.KmsMasterKeyId)).toEqual([onKey]);
    expect(props('AWS::SecretsManager::Secret').map((s) => s.KmsKeyId)).toEqual([onKey]);
  });

  it('grants each role exactly its KMS calls, on the key only', () => {
    // Prepare
    const { template, key } = cmkStack();
    const kmsStatements = (rolePrefix: string) => {
      const { properties } = resourceByPrefix(template, 'AWS::IAM::Policy', `${rolePrefix}DefaultPolicy`);
      const statements = (
        properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
      ).Statement;
      return statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
    };

    // Act
    const byRole = {
      receiver: kmsStatements(IAM_EXPECTED.receiver.roleLogicalIdPrefix),
      processor: kmsStatements(IAM_EXPECTED.processor.roleLogicalIdPrefix),
      delivery: kmsStatements(ARCHIVE_IAM_EXPECTED.delivery.roleLogicalIdPrefix),
    };
    const expected = { ...IAM_EXPECTED_WITH_CMK, ...ARCHIVE_IAM_EXPECTED_WITH_CMK };

    // Assess
    for (const role of ['receiver', 'processor', 'delivery'] as const) {
      expect(byRole[role].flatMap((s) => [s.Action].flat()).sort()).toEqual(expected[role].map((g) => g.action).sort());
      expect(byRole[role].map((s) => s.Resource)).toEqual(byRole[role].map(() => ({ 'Fn::GetAtt': [key, 'Arn'] })));
    }
  });

  it("lets each function's calls through the key policy, via the service that makes them, and nothing more", () => {
    // Prepare
    const { json, resolver, keyPolicy, template } = cmkStack();
    const role = (prefix: string) => logicalId(template, 'AWS::IAM::Role', prefix);
    const receiver = role(IAM_EXPECTED.receiver.roleLogicalIdPrefix);
    const processor = role(IAM_EXPECTED.processor.roleLogicalIdPrefix);
    const decide = (r: string, request: AccessRequest) =>
      kmsDecision(keyPolicy, roleStatements(json, r, resolver), request);

    // Act
    const allowed = [
      decide(receiver, viaService(resolver, receiver, 'kms:GenerateDataKey', 'sqs')), // SendMessage
      decide(receiver, viaService(resolver, receiver, 'kms:Decrypt', 'sqs')),
      decide(receiver, viaService(resolver, receiver, 'kms:Decrypt', 'secretsmanager')), // GetSecretValue
      decide(processor, viaService(resolver, processor, 'kms:Decrypt', 'sqs')), // the event source's ReceiveMessage
      decide(processor, viaService(resolver, processor, 'kms:Decrypt', 'dynamodb')), // item calls
    ];
    const refused = [
      decide(processor, viaService(resolver, processor, 'kms:GenerateDataKey', 'sqs')), // the processor never sends
      decide(receiver, viaService(resolver, receiver, 'kms:Encrypt', 'secretsmanager')),
      decide(receiver, { ...viaService(resolver, receiver, 'kms:CreateGrant', 'sqs') }), // grants only for AWS resources
      decide(processor, viaService(resolver, processor, 'kms:ScheduleKeyDeletion', 'dynamodb')),
    ];

    // Assess
    expect(allowed).toEqual(allowed.map(() => 'allow'));
    expect(refused).toEqual(refused.map(() => 'deny'));
  });

  it('puts the archive bucket on the key with an S3 Bucket Key, and the stream on it too', () => {
    // Prepare
    const { template, key } = cmkStack();

    // Act
    const bucket = resourceByPrefix(template, 'AWS::S3::Bucket', 'ArchiveBucket').properties;
    const stream = resourceByPrefix(template, 'AWS::KinesisFirehose::DeliveryStream', 'ArchiveStream').properties;
    const roles = Object.keys(template.findResources('AWS::IAM::Role'));

    // Assess
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } },
        },
      ],
    });
    expect(stream.DeliveryStreamEncryptionConfigurationInput).toEqual({
      KeyType: 'CUSTOMER_MANAGED_CMK',
      KeyARN: { 'Fn::GetAtt': [key, 'Arn'] },
    });
    // Firehose manages its own grant for the stream's SSE: no extra role (the L2 would add one).
    expect(roles.filter((id) => id.includes('ServiceRole') && id.includes('Archive'))).toEqual([]);
  });

  it('lets the delivery role write the archive through S3 with the key, for this bucket only', () => {
    // Prepare
    const { json, resolver, keyPolicy, template } = cmkStack();
    const role = logicalId(template, 'AWS::IAM::Role', ARCHIVE_IAM_EXPECTED.delivery.roleLogicalIdPrefix);
    const bucketArn = resolver.getAtt(logicalId(template, 'AWS::S3::Bucket', 'ArchiveBucket'), 'Arn');
    const decide = (request: AccessRequest) => kmsDecision(keyPolicy, roleStatements(json, role, resolver), request);
    const s3 = (action: string, arn: string) =>
      viaService(resolver, role, action, 's3', { 'kms:EncryptionContext:aws:s3:arn': arn });

    // Act
    const allowed = [
      decide(s3('kms:GenerateDataKey', bucketArn)), // PutObject, multipart uploads (Bucket Key context: the bucket)
      decide(s3('kms:Decrypt', bucketArn)), // multipart completion, GetObject of its own objects
    ];
    const refused = [
      decide(s3('kms:GenerateDataKey', 'arn:aws:s3:::someone-elses-bucket')),
      decide(
        viaService(resolver, role, 'kms:GenerateDataKey', 'sqs', { 'kms:EncryptionContext:aws:s3:arn': bucketArn }),
      ),
      decide({ ...s3('kms:Decrypt', bucketArn), context: { 'kms:EncryptionContext:aws:s3:arn': bucketArn } }), // not via S3
      decide(s3('kms:Encrypt', bucketArn)),
      decide(s3('kms:ReEncryptFrom', bucketArn)),
    ];

    // Assess
    expect(allowed).toEqual(allowed.map(() => 'allow'));
    expect(refused).toEqual(refused.map(() => 'deny'));
  });

  it("lets CloudWatch Logs use the key for this account's log groups only", () => {
    // Prepare
    const { json, resolver, keyPolicy } = cmkStack();
    const groups = Object.keys(json.Resources!).filter((id) => json.Resources![id]!.Type === 'AWS::Logs::LogGroup');
    const logs = (action: string, groupArn: string): AccessRequest => ({
      action,
      resource: KEY_ARN,
      principal: { service: `logs.${REGION}.amazonaws.com` },
      context: { 'kms:EncryptionContext:aws:logs:arn': groupArn },
    });
    const arnOf = (id: string) => resolver.getAtt(id, 'Arn').replace(/:\*$/, '');

    // Act
    const ours = groups.flatMap((id) =>
      ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:Encrypt', 'kms:DescribeKey'].map((a) =>
        kmsDecision(keyPolicy, [], logs(a, arnOf(id))),
      ),
    );
    const foreign = kmsDecision(
      keyPolicy,
      [],
      logs('kms:Decrypt', `arn:aws:logs:${REGION}:444455556666:log-group:theirs`),
    );
    const noContext = kmsDecision(keyPolicy, [], {
      action: 'kms:Decrypt',
      resource: KEY_ARN,
      principal: { service: `logs.${REGION}.amazonaws.com` },
    });

    // Assess
    expect(groups.length).toBeGreaterThan(0);
    expect(new Set(ours)).toEqual(new Set(['allow']));
    expect(foreign).toBe('deny');
    expect(noContext).toBe('deny');
  });

  it("lets this stack's alarms publish to the encrypted topic, and no one else's", () => {
    // Prepare
    const { json, resolver, keyPolicy } = cmkStack();
    const alarms = Object.keys(json.Resources!)
      .filter((id) => json.Resources![id]!.Type === 'AWS::CloudWatch::Alarm')
      .map((id) => resolver.getAtt(id, 'Arn'));
    const topic = Object.keys(json.Resources!).find((id) => json.Resources![id]!.Type === 'AWS::SNS::Topic')!;
    const topicPolicy = resourcePolicyStatements(json, topic, resolver);
    const cloudwatch = (action: string, resource: string, alarmArn: string, account = ACCOUNT): AccessRequest => ({
      action,
      resource,
      principal: { service: 'cloudwatch.amazonaws.com' },
      context: { 'aws:SourceAccount': account, 'aws:SourceArn': alarmArn, 'aws:SecureTransport': true },
    });

    // Act
    const decisions = alarms.flatMap((alarm) => [
      kmsDecision(keyPolicy, [], cloudwatch('kms:GenerateDataKey', KEY_ARN, alarm)),
      kmsDecision(keyPolicy, [], cloudwatch('kms:Decrypt', KEY_ARN, alarm)),
      evaluate(topicPolicy, cloudwatch('sns:Publish', resolver.ref(topic), alarm)) === 'allow' ? 'allow' : 'deny',
    ]);
    const otherStack = kmsDecision(
      keyPolicy,
      [],
      cloudwatch('kms:GenerateDataKey', KEY_ARN, `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:Other-Alarm`),
    );
    const otherAccount = kmsDecision(
      keyPolicy,
      [],
      cloudwatch(
        'kms:Decrypt',
        KEY_ARN,
        `arn:aws:cloudwatch:${REGION}:444455556666:alarm:${STACK_NAME}-X`,
        '444455556666',
      ),
    );
    const otherService = kmsDecision(keyPolicy, [], {
      action: 'kms:Decrypt',
      resource: KEY_ARN,
      principal: { service: 'events.amazonaws.com' },
    });

    // Assess
    expect(alarms.length).toBeGreaterThan(0);
    expect(new Set(decisions)).toEqual(new Set(['allow']));
    expect([otherStack, otherAccount, otherService]).toEqual(['deny', 'deny', 'deny']);
  });

  it('lets DynamoDB and Firehose create their grants at table and stream creation, and nobody create one directly', () => {
    // Prepare
    const { keyPolicy } = cmkStack();
    const deployer: Statement[] = [{ Effect: 'Allow', Action: '*', Resource: '*' }];
    const request = (context: Record<string, boolean | string>): AccessRequest => ({
      action: 'kms:CreateGrant',
      resource: KEY_ARN,
      principal: { arn: `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role` },
      context,
    });

    // Act
    const forTable = kmsDecision(
      keyPolicy,
      deployer,
      request({ 'kms:GrantIsForAWSResource': true, 'kms:ViaService': `dynamodb.${REGION}.amazonaws.com` }),
    );
    // The archive stream's server-side encryption: Firehose creates its own grant (CUSTOMER_MANAGED_CMK).
    const forStream = kmsDecision(
      keyPolicy,
      deployer,
      request({ 'kms:GrantIsForAWSResource': true, 'kms:ViaService': `firehose.${REGION}.amazonaws.com` }),
    );
    const direct = kmsDecision(keyPolicy, deployer, request({}));

    // Assess
    expect(forTable).toBe('allow');
    expect(forStream).toBe('allow');
    expect(direct).toBe('deny');
  });

  it('imports a key by ARN without changing its policy, and refuses anything else', () => {
    // Prepare
    const template = templateFor({ encryptionKey: EXAMPLE_KEY_ARN });
    const read = (value: unknown) => () => readConfig(fastApp({ encryptionKey: value }).node);

    // Act
    const queues = Object.values(template.findResources('AWS::SQS::Queue')).map((q) => q.Properties.KmsMasterKeyId);

    // Assess
    expect(template.findResources('AWS::KMS::Key')).toEqual({});
    expect(queues).toEqual([EXAMPLE_KEY_ARN, EXAMPLE_KEY_ARN]);
    expect(read('alias/mine')).toThrow(/encryptionKey.*aws-managed, create or a KMS key ARN/);
    expect(read('CREATE ')).toThrow(/encryptionKey/);
  });
});
