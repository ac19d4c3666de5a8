import { describe, expect, it } from 'vitest';
import { logicalId, resourceByPrefix, templateFor } from './helpers.ts';
import { ARCHIVE_IAM_EXPECTED, IAM_EXPECTED, iamExpectedFor } from './iam-expected.ts';
import { type ResolvedTemplate, resolveTemplate, roleAgainstTable } from './iam-grants.ts';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

function statementsOf(template: ReturnType<typeof templateFor>, rolePrefix: string): Statement[] {
  const { properties } = resourceByPrefix(template, 'AWS::IAM::Policy', rolePrefix);
  return (properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

describe('IAM', () => {
  it('lets the receiver write its logs, send to its queue, read its secret and put quarantined bodies, nothing else', () => {
    // Prepare
    const template = templateFor();
    const logGroup = logicalId(template, 'AWS::Logs::LogGroup', 'ReceiverLogGroup');
    const queue = logicalId(template, 'AWS::SQS::Queue', 'ProcessingQueue');
    const secret = logicalId(template, 'AWS::SecretsManager::Secret', 'AmtSecret');
    const bucket = logicalId(template, 'AWS::S3::Bucket', 'ArchiveBucket');

    // Act
    const statements = statementsOf(template, 'ReceiverRoleDefaultPolicy');

    // Assess
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queue, 'Arn'] } },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secret } },
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/quarantine/*']] },
      },
    ]);
  });

  it('grants the receiver the exact imported secret ARN, without a wildcard suffix', () => {
    // Prepare
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:smartcar/amt-AbC123';
    const template = templateFor({ amtSecretArn: arn });

    // Act
    const statements = statementsOf(template, 'ReceiverRoleDefaultPolicy');

    // Assess
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: arn });
  });

  it('limits the processor to item operations on its two tables', () => {
    // Prepare
    const template = templateFor();
    const idempotency = logicalId(template, 'AWS::DynamoDB::Table', 'ProcessingIdempotencyTable');
    const state = logicalId(template, 'AWS::DynamoDB::Table', 'ProcessingVehicleStateTable');

    // Act
    const statements = statementsOf(template, 'ProcessingProcessorRoleDefaultPolicy');

    // Assess
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      Resource: { 'Fn::GetAtt': [idempotency, 'Arn'] },
    });
    // The vehicle stores only read and put whole items: no UpdateItem there (removed as unused).
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Resource: { 'Fn::GetAtt': [state, 'Arn'] },
    });
  });

  it('lets the processor consume only the main queue', () => {
    // Prepare
    const template = templateFor();
    const queue = logicalId(template, 'AWS::SQS::Queue', 'ProcessingQueue');

    // Act
    const sqs = statementsOf(template, 'ProcessingProcessorRoleDefaultPolicy').filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('sqs:')),
    );

    // Assess
    expect(sqs).toHaveLength(1);
    expect(sqs[0]?.Resource).toEqual({ 'Fn::GetAtt': [queue, 'Arn'] });
    expect(sqs[0]?.Action).not.toContain('sqs:SendMessage');
  });

  it("scopes every statement of every policy to a single resource, with no wildcard but the archive and quarantine prefixes' objects", () => {
    // Prepare
    const template = templateFor();
    // Firehose names the objects it writes, so the only wildcard allowed is the key under one of
    // the archive bucket's two fixed prefixes, for object-level S3 actions.
    const bucket = logicalId(template, 'AWS::S3::Bucket', 'ArchiveBucket');
    const archiveObjects = ['events/', 'errors/'].map((prefix) =>
      JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${prefix}*`]] }),
    );
    // The receiver names each quarantined object itself, under one fixed prefix: PutObject only.
    const quarantineObjects = JSON.stringify({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/quarantine/*']],
    });

    // Act
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );

    // Assess
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(Array.isArray(statement.Resource)).toBe(false);
      const resource = JSON.stringify(statement.Resource);
      if (archiveObjects.includes(resource)) {
        expect([statement.Action].flat().sort()).toEqual(['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject']);
      } else if (resource === quarantineObjects) {
        expect([statement.Action].flat()).toEqual(['s3:PutObject']);
      } else {
        expect(resource).not.toContain('*');
      }
      expect(JSON.stringify(statement.Action)).not.toContain('*');
    }
  });

  it('attaches no AWS-managed policy to any role', () => {
    // Prepare
    const template = templateFor();

    // Act
    const roles = Object.values(template.findResources('AWS::IAM::Role')).map(
      (r) => (r as { Properties: Record<string, unknown> }).Properties,
    );

    // Assess
    expect(roles).toHaveLength(Object.keys(IAM_EXPECTED).length + Object.keys(ARCHIVE_IAM_EXPECTED).length);
    for (const role of roles) expect(role).not.toHaveProperty('ManagedPolicyArns');
  });
});

const IMPORTED_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:smartcar/amt-AbC123';

/** [variant, context] of every synthesized variant whose roles the grant table must describe. */
const VARIANTS: [string, Record<string, unknown>][] = [
  ['dev', {}],
  ['without the archive', { archive: 'false' }],
  ['prod', { stage: 'prod' }],
  ['with an alarm email', { alarmEmail: 'ops@example.com' }],
  ['with an imported secret', { amtSecretArn: IMPORTED_SECRET_ARN }],
  // The front doors change who invokes the receiver (test/ingress/iam.test.ts), never what the
  // functions' roles may do.
  ['behind a Function URL', { ingress: 'function-url' }],
  ['behind the REST API and WAF', { ingress: 'rest-api' }],
];

/** The grant table's rows of a variant: both functions' roles, and the archive's delivery role unless `archive=false`. */
function tableFor(context: Record<string, unknown>) {
  const archive = String(context.archive ?? true) !== 'false';
  return { ...iamExpectedFor({ archive }), ...(archive ? ARCHIVE_IAM_EXPECTED : {}) };
}

/** The synthesized template of a variant, resolved, with the ARN of each table resource in it. */
function resolvedVariant(context: Record<string, unknown>): ResolvedTemplate {
  return resolveTemplate(
    templateFor(context),
    context.amtSecretArn === undefined ? undefined : String(context.amtSecretArn),
  );
}

describe('IAM grant table (iam-expected.ts)', () => {
  describe.each(VARIANTS)('%s', (_variant, context) => {
    it.each(Object.entries(tableFor(context)))(
      "the %s role allows exactly the table's actions on its resources",
      (_name, expected) => {
        // Prepare
        const resolved = resolvedVariant(context);

        // Act
        const { statements, granted, wanted } = roleAgainstTable(resolved, expected);

        // Assess
        for (const statement of statements) {
          // Anything but a plain Allow would make the comparison below meaningless.
          expect(Object.keys(statement).sort()).toEqual(['Action', 'Effect', 'Resource']);
          expect(statement.Effect).toBe('Allow');
        }
        expect(granted).toEqual(wanted);
      },
    );

    it.each(Object.entries(tableFor(context)))(
      'lets the %s role make every call of the table, resource policies included',
      (_name, expected) => {
        // Prepare
        const resolved = resolvedVariant(context);

        // Act
        const { refused } = roleAgainstTable(resolved, expected);

        // Assess
        expect(refused).toEqual([]);
      },
    );
  });

  it("names every role of the template, each the role of its function or the archive's delivery role", () => {
    // Prepare
    const { template } = resolvedVariant({ alarmEmail: 'ops@example.com' });
    const roles = Object.keys(template.findResources('AWS::IAM::Role')).sort();

    // Act
    const tableRoles = [...Object.values(IAM_EXPECTED), ...Object.values(ARCHIVE_IAM_EXPECTED)]
      .map((e) => logicalId(template, 'AWS::IAM::Role', e.roleLogicalIdPrefix))
      .sort();
    const functionRoles = Object.values(IAM_EXPECTED).map(
      (e) => resourceByPrefix(template, 'AWS::Lambda::Function', e.functionLogicalIdPrefix).properties.Role,
    );

    // Assess
    expect(tableRoles).toEqual(roles);
    expect(functionRoles).toEqual(
      Object.values(IAM_EXPECTED).map((e) => ({
        'Fn::GetAtt': [logicalId(template, 'AWS::IAM::Role', e.roleLogicalIdPrefix), 'Arn'],
      })),
    );
  });
});
