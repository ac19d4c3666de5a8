import { describe, expect, it } from 'vitest';
import { templateFor } from '../infra/helpers.ts';
import {
  type AccessRequest,
  createResolver,
  evaluate,
  isAllowedForRole,
  PolicyEvaluatorError,
  resourcePolicyStatements,
  roleStatements,
  type Statement,
  type TemplateJson,
} from './policy-evaluator.ts';

const ACCOUNT = '123456789012';
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`;
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/state`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/worker`;

function allow(
  action: string | string[],
  resource: string | string[] = QUEUE_ARN,
  extra: Partial<Statement> = {},
): Statement {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra };
}

function request(action: string, resource = QUEUE_ARN, extra: Partial<AccessRequest> = {}): AccessRequest {
  return { action, resource, ...extra };
}

describe('evaluate: effects', () => {
  it('allows what a statement allows', () => {
    // Prepare
    const statements = [allow('sqs:SendMessage')];

    // Act
    const decision = evaluate(statements, request('sqs:SendMessage'));

    // Assess
    expect(decision).toBe('allow');
  });

  it('denies implicitly an action, or a resource, no statement names', () => {
    // Prepare
    const statements = [allow('sqs:SendMessage')];

    // Act
    const otherAction = evaluate(statements, request('sqs:DeleteMessage'));
    const otherResource = evaluate(statements, request('sqs:SendMessage', `${QUEUE_ARN}-dlq`));

    // Assess
    expect(otherAction).toBe('implicit-deny');
    expect(otherResource).toBe('implicit-deny');
  });

  it('lets an explicit Deny win over an Allow, whatever their order', () => {
    // Prepare
    const deny: Statement = { Effect: 'Deny', Action: 'sqs:*', Resource: '*' };

    // Act
    const denyLast = evaluate([allow('sqs:SendMessage'), deny], request('sqs:SendMessage'));
    const denyFirst = evaluate([deny, allow('sqs:SendMessage')], request('sqs:SendMessage'));

    // Assess
    expect(denyLast).toBe('explicit-deny');
    expect(denyFirst).toBe('explicit-deny');
  });

  it('matches NotAction and NotResource as everything except what they list', () => {
    // Prepare
    const notAction: Statement = { Effect: 'Allow', NotAction: ['iam:*', 'sqs:Delete*'], Resource: '*' };
    const notResource: Statement = { Effect: 'Allow', Action: 'sqs:*', NotResource: QUEUE_ARN };

    // Act
    const decisions = {
      send: evaluate([notAction], request('sqs:SendMessage')),
      passRole: evaluate([notAction], request('iam:PassRole', ROLE_ARN)),
      deleteQueue: evaluate([notAction], request('sqs:DeleteQueue')),
      otherQueue: evaluate([notResource], request('sqs:SendMessage', `${QUEUE_ARN}-dlq`)),
      listedQueue: evaluate([notResource], request('sqs:SendMessage')),
    };

    // Assess
    expect(decisions).toEqual({
      send: 'allow',
      passRole: 'implicit-deny',
      deleteQueue: 'implicit-deny',
      otherQueue: 'allow',
      listedQueue: 'implicit-deny',
    });
  });
});

describe('evaluate: wildcards', () => {
  it('matches action wildcards case-insensitively', () => {
    // Prepare
    const statements = [allow(['sqs:*', 'dynamodb:Get*'], '*')];

    // Act
    const decisions = [
      evaluate(statements, request('SQS:sendmessage')),
      evaluate(statements, request('dynamodb:GetItem', TABLE_ARN)),
      evaluate(statements, request('dynamodb:PutItem', TABLE_ARN)),
    ];

    // Assess
    expect(decisions).toEqual(['allow', 'allow', 'implicit-deny']);
  });

  it('matches resource wildcards * and ? case-sensitively', () => {
    // Prepare
    const statements = [
      allow('dynamodb:GetItem', [`arn:aws:dynamodb:*:${ACCOUNT}:table/stat?`, `${TABLE_ARN}/index/*`]),
    ];

    // Act
    const decisions = [
      evaluate(statements, request('dynamodb:GetItem', TABLE_ARN)),
      evaluate(statements, request('dynamodb:GetItem', `${TABLE_ARN}/index/byVehicle`)),
      evaluate(statements, request('dynamodb:GetItem', `${TABLE_ARN}s`)),
      evaluate(statements, request('dynamodb:GetItem', TABLE_ARN.replace('state', 'STATE'))),
    ];

    // Assess
    expect(decisions).toEqual(['allow', 'allow', 'implicit-deny', 'implicit-deny']);
  });
});

describe('evaluate: conditions', () => {
  const tlsOnly: Statement = {
    Effect: 'Deny',
    Action: 'sqs:*',
    Resource: QUEUE_ARN,
    Principal: { AWS: '*' },
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };

  it('applies a Bool condition only when it holds, looking the key up case-insensitively', () => {
    // Prepare
    const statements = [allow('sqs:SendMessage'), tlsOnly];
    const caller = { principal: { arn: ROLE_ARN } };

    // Act
    const overTls = evaluate(
      statements,
      request('sqs:SendMessage', QUEUE_ARN, { ...caller, context: { 'AWS:securetransport': true } }),
    );
    const plain = evaluate(
      statements,
      request('sqs:SendMessage', QUEUE_ARN, { ...caller, context: { 'aws:SecureTransport': 'false' } }),
    );

    // Assess
    expect(overTls).toBe('allow');
    expect(plain).toBe('explicit-deny');
  });

  it('treats a missing key as false for a positive operator, true for a negated one or with IfExists', () => {
    // Prepare
    const positive = allow('sqs:SendMessage', QUEUE_ARN, {
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    });
    const negated = allow('sqs:SendMessage', QUEUE_ARN, {
      Condition: { StringNotEquals: { 'aws:SourceAccount': '999999999999' } },
    });
    const ifExists = allow('sqs:SendMessage', QUEUE_ARN, {
      Condition: { StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT } },
    });

    // Act
    const decisions = [positive, negated, ifExists].map((statement) =>
      evaluate([statement], request('sqs:SendMessage')),
    );

    // Assess
    expect(decisions).toEqual(['implicit-deny', 'allow', 'allow']);
  });

  it('ORs the values of one key and ANDs keys and operators', () => {
    // Prepare
    const statement = allow('sns:Publish', '*', {
      Condition: {
        StringEquals: { 'aws:SourceAccount': [ACCOUNT, '111111111111'] },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:us-east-1:*:alarm:Stack-*` },
      },
    });
    const decide = (account: string, alarm: string) =>
      evaluate(
        [statement],
        request('sns:Publish', '*', {
          context: {
            'aws:SourceAccount': account,
            'aws:SourceArn': `arn:aws:cloudwatch:us-east-1:${account}:alarm:${alarm}`,
          },
        }),
      );

    // Act
    const decisions = [
      decide('111111111111', 'Stack-Errors'),
      decide(ACCOUNT, 'Other-Errors'),
      decide('222222222222', 'Stack-Errors'),
    ];

    // Assess
    expect(decisions).toEqual(['allow', 'implicit-deny', 'implicit-deny']);
  });

  it('matches ArnLike segment by segment and StringLike across the whole value', () => {
    // Prepare
    const arnLike = allow('sns:Publish', '*', {
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:*:alarm:*' } },
    });
    const stringLike = allow('sns:Publish', '*', {
      Condition: { StringLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:*:alarm:*' } },
    });
    const context = { 'aws:SourceArn': `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:A` };

    // Act
    const arn = evaluate([arnLike], request('sns:Publish', '*', { context }));
    const string = evaluate([stringLike], request('sns:Publish', '*', { context }));

    // Assess
    expect(arn).toBe('implicit-deny'); // '*' in the region part cannot swallow the account part
    expect(string).toBe('allow');
  });

  it("compares numbers with the Numeric operators (the S3 bucket policy's TLS floor)", () => {
    // Prepare
    const tlsFloor: Statement = { ...tlsOnly, Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } };
    const statements = [allow('sqs:SendMessage'), tlsFloor];
    const decide = (tlsVersion?: string) =>
      evaluate(
        statements,
        request('sqs:SendMessage', QUEUE_ARN, {
          principal: { arn: ROLE_ARN },
          context: tlsVersion === undefined ? {} : { 's3:TlsVersion': tlsVersion },
        }),
      );

    // Act
    const decisions = [decide('1.3'), decide('1.2'), decide('1.1'), decide('not-a-number'), decide()];

    // Assess
    expect(decisions).toEqual(['allow', 'allow', 'explicit-deny', 'allow', 'allow']);
  });

  it('refuses an operator it does not model instead of guessing', () => {
    // Prepare
    const statement = allow('sqs:SendMessage', QUEUE_ARN, {
      Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
    });

    // Act
    const act = () =>
      evaluate(
        [statement],
        request('sqs:SendMessage', QUEUE_ARN, { context: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }),
      );

    // Assess
    expect(act).toThrow(PolicyEvaluatorError);
  });
});

describe('evaluate: principals', () => {
  it('matches service principals, role ARNs and their sessions, and "*"', () => {
    // Prepare
    const statements: Statement[] = [
      allow('sqs:SendMessage', QUEUE_ARN, { Principal: { Service: 'sns.amazonaws.com' } }),
      allow('sqs:ReceiveMessage', QUEUE_ARN, { Principal: { AWS: ROLE_ARN } }),
      allow('sqs:GetQueueUrl', QUEUE_ARN, { Principal: '*' }),
    ];

    // Act
    const decisions = [
      evaluate(statements, request('sqs:SendMessage', QUEUE_ARN, { principal: { service: 'sns.amazonaws.com' } })),
      evaluate(statements, request('sqs:SendMessage', QUEUE_ARN, { principal: { service: 'events.amazonaws.com' } })),
      evaluate(
        statements,
        request('sqs:ReceiveMessage', QUEUE_ARN, {
          principal: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/worker/session-1` },
        }),
      ),
      evaluate(
        statements,
        request('sqs:ReceiveMessage', QUEUE_ARN, { principal: { arn: `arn:aws:iam::${ACCOUNT}:role/other` } }),
      ),
      evaluate(statements, request('sqs:GetQueueUrl', QUEUE_ARN, { principal: { service: 'events.amazonaws.com' } })),
    ];

    // Assess
    expect(decisions).toEqual(['allow', 'implicit-deny', 'allow', 'implicit-deny', 'allow']);
  });

  it('treats an account principal as delegation in an Allow but as every principal of it in a Deny', () => {
    // Prepare
    const accountAllow = allow('sqs:SendMessage', QUEUE_ARN, { Principal: { AWS: ACCOUNT } });
    const accountDeny: Statement = {
      Effect: 'Deny',
      Action: 'sqs:SendMessage',
      Resource: QUEUE_ARN,
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    };
    const role = { principal: { arn: ROLE_ARN } };

    // Act
    const allowed = evaluate([accountAllow], request('sqs:SendMessage', QUEUE_ARN, role));
    const allowedRoot = evaluate(
      [accountAllow],
      request('sqs:SendMessage', QUEUE_ARN, { principal: { arn: `arn:aws:iam::${ACCOUNT}:root` } }),
    );
    const denied = evaluate([allow('sqs:SendMessage'), accountDeny], request('sqs:SendMessage', QUEUE_ARN, role));

    // Assess
    expect(allowed).toBe('implicit-deny');
    expect(allowedRoot).toBe('allow');
    expect(denied).toBe('explicit-deny');
  });
});

/** A hand-written template with each policy attachment the helpers read. */
function handTemplate(): TemplateJson {
  const queueArn = { 'Fn::GetAtt': ['Queue', 'Arn'] };
  return {
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue' },
      Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'state' } },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Policies: [
            {
              PolicyName: 'inline',
              PolicyDocument: {
                Statement: [
                  { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } },
                ],
              },
            },
          ],
          ManagedPolicyArns: [{ Ref: 'Managed' }],
        },
      },
      RolePolicy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'Role' }],
          PolicyDocument: { Statement: { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn } },
        },
      },
      OtherPolicy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: ['someone-else'],
          PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
      },
      Managed: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          PolicyDocument: { Statement: [{ Effect: 'Deny', Action: 'sqs:DeleteQueue', Resource: queueArn }] },
        },
      },
      QueuePolicy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [{ Ref: 'Queue' }],
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'sns.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: queueArn,
              },
            ],
          },
        },
      },
    },
  };
}

describe('createResolver', () => {
  it('resolves pseudo parameters, Ref, GetAtt, Join, Sub, Select and Split with default identities', () => {
    // Prepare
    const resolver = createResolver(handTemplate(), { region: 'eu-west-1', stackName: 'Shop' });

    // Act
    const resolved = resolver.resolve({
      queueUrl: { Ref: 'Queue' },
      queueArn: { 'Fn::GetAtt': 'Queue.Arn' },
      table: { Ref: 'Table' },
      join: {
        'Fn::Join': [
          ':',
          ['arn', { Ref: 'AWS::Partition' }, 'logs', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }],
        ],
      },
      sub: {
        'Fn::Sub': [
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub pattern, not a JS template
          'https://x.${AWS::URLSuffix}/${Name}/${Table.Arn}/${!Literal}',
          { Name: { Ref: 'AWS::StackName' } },
        ],
      },
      select: { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['Table', 'Arn'] }] }] },
    });

    // Assess
    expect(resolved).toEqual({
      queueUrl: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/Shop-Queue-GENERATED`,
      queueArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:Shop-Queue-GENERATED`,
      table: 'state',
      join: `arn:aws:logs:eu-west-1:${ACCOUNT}`,
      sub: `https://x.amazonaws.com/Shop/arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/state/\${Literal}`,
      select: 'state',
    });
  });

  it('derives the other identities from the one the test supplies', () => {
    // Prepare
    const resolver = createResolver(handTemplate(), {
      accountId: '000000000000',
      physical: {
        Queue: { url: 'http://127.0.0.1:4566/000000000000/main' },
        Table: { arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t1' },
      },
    });

    // Act
    const identities = [resolver.ref('Queue'), resolver.getAtt('Queue', 'Arn'), resolver.ref('Table')];

    // Assess
    expect(identities).toEqual([
      'http://127.0.0.1:4566/000000000000/main',
      'arn:aws:sqs:us-east-1:000000000000:main',
      't1',
    ]);
  });

  it('refuses what it cannot resolve', () => {
    // Prepare
    const resolver = createResolver(handTemplate());

    // Act
    const acts = [
      () => resolver.resolve({ 'Fn::ImportValue': 'shared-arn' }),
      () => resolver.getAtt('Queue', 'Nonexistent'),
      () => resolver.ref('Missing'),
    ];

    // Assess
    for (const act of acts) expect(act).toThrow(PolicyEvaluatorError);
  });
});

describe('template statements', () => {
  it("collects the role's attached, inline and customer-managed policies, and nobody else's", () => {
    // Prepare
    const template = handTemplate();
    const resolver = createResolver(template);
    const queueArn = resolver.getAtt('Queue', 'Arn');

    // Act
    const statements = roleStatements(template, 'Role', resolver);

    // Assess
    expect(statements).toHaveLength(3);
    expect(evaluate(statements, request('sqs:SendMessage', queueArn))).toBe('allow');
    expect(evaluate(statements, request('dynamodb:GetItem', resolver.getAtt('Table', 'Arn')))).toBe('allow');
    expect(evaluate(statements, request('sqs:DeleteQueue', queueArn))).toBe('explicit-deny');
    expect(evaluate(statements, request('s3:GetObject', 'arn:aws:s3:::b/k'))).toBe('implicit-deny');
  });

  it('fails loudly on an AWS-managed policy, whose statements the template does not hold', () => {
    // Prepare
    const template = handTemplate();
    template.Resources!.Role!.Properties!.ManagedPolicyArns = [
      {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
        ],
      },
    ];

    // Act
    const act = () => roleStatements(template, 'Role', createResolver(template));

    // Assess
    expect(act).toThrow(/AWS-managed policy/);
  });

  it('collects the resource policy of a queue', () => {
    // Prepare
    const template = handTemplate();
    const resolver = createResolver(template);

    // Act
    const statements = resourcePolicyStatements(template, 'Queue', resolver);

    // Assess
    const send = (service: string) =>
      request('sqs:SendMessage', resolver.getAtt('Queue', 'Arn'), { principal: { service } });
    expect(evaluate(statements, send('sns.amazonaws.com'))).toBe('allow');
    expect(evaluate(statements, send('events.amazonaws.com'))).toBe('implicit-deny');
  });

  it("decides the synthesized stack's receiver role with the queue's TLS-only policy", () => {
    // Prepare
    const template = templateFor().toJSON() as TemplateJson;
    const resolver = createResolver(template, { stackName: 'SmartcarWebhooks-dev' });
    const ids = Object.keys(template.Resources!);
    const role = ids.find((id) => id.startsWith('ReceiverRole') && template.Resources![id]!.Type === 'AWS::IAM::Role')!;
    const queue = ids.find(
      (id) => id.startsWith('ProcessingQueue') && template.Resources![id]!.Type === 'AWS::SQS::Queue',
    )!;
    const dlq = ids.find(
      (id) => id.startsWith('ProcessingDeadLetterQueue') && template.Resources![id]!.Type === 'AWS::SQS::Queue',
    )!;
    const queueArn = resolver.getAtt(queue, 'Arn');

    // Act
    const send = isAllowedForRole(template, role, 'sqs:SendMessage', queueArn, { resolver });
    const sendPlainHttp = isAllowedForRole(template, role, 'sqs:SendMessage', queueArn, {
      resolver,
      context: { 'aws:SecureTransport': false },
    });
    const sendToDlq = isAllowedForRole(template, role, 'sqs:SendMessage', resolver.getAtt(dlq, 'Arn'), { resolver });
    const purge = isAllowedForRole(template, role, 'sqs:PurgeQueue', queueArn, { resolver });

    // Assess
    expect({ send, sendPlainHttp, sendToDlq, purge }).toEqual({
      send: true,
      sendPlainHttp: false,
      sendToDlq: false,
      purge: false,
    });
  });
});
