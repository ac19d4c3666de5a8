import { describe, expect, it } from 'vitest';
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
import { logicalId, templateFor } from './helpers.ts';

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const STACK_NAME = 'SmartcarWebhooks-dev';
const CLOUDWATCH = { service: 'cloudwatch.amazonaws.com' } as const;

/** The synthesized alarm topic's policy, resolved for one account and region, and how to reach it. */
function alarmTopic(context: Record<string, unknown> = {}): {
  json: TemplateJson;
  resolver: Resolver;
  topicArn: string;
  statements: Statement[];
  alarmArns: string[];
} {
  const template = templateFor(context);
  const json = template.toJSON() as TemplateJson;
  const resolver = createResolver(json, { accountId: ACCOUNT, region: 'eu-west-1', stackName: STACK_NAME });
  const topic = logicalId(template, 'AWS::SNS::Topic', 'MonitoringAlarmTopic');
  const alarmArns = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).map((id) =>
    resolver.getAtt(id, 'Arn'),
  );
  return {
    json,
    resolver,
    topicArn: resolver.ref(topic),
    statements: resourcePolicyStatements(json, topic, resolver),
    alarmArns,
  };
}

/** CloudWatch publishing one alarm's notification, as the request SNS authorizes. */
function alarmPublish(
  topicArn: string,
  alarmArn: string,
  sourceAccount: string,
  secureTransport: boolean,
): AccessRequest {
  return {
    action: 'sns:Publish',
    resource: topicArn,
    principal: CLOUDWATCH,
    context: { 'aws:SecureTransport': secureTransport, 'aws:SourceAccount': sourceAccount, 'aws:SourceArn': alarmArn },
  };
}

describe('Alarm topic policy, evaluated', () => {
  it('lets CloudWatch publish, over TLS, the notification of every alarm of this stack', () => {
    // Prepare
    const { topicArn, statements, alarmArns } = alarmTopic();

    // Act
    const decisions = alarmArns.map((alarmArn) =>
      evaluate(statements, alarmPublish(topicArn, alarmArn, ACCOUNT, true)),
    );

    // Assess
    expect(alarmArns.length).toBeGreaterThan(0);
    expect(new Set(decisions)).toEqual(new Set(['allow']));
  });

  it('denies the same publish without TLS', () => {
    // Prepare
    const { topicArn, statements, alarmArns } = alarmTopic();

    // Act
    const decision = evaluate(statements, alarmPublish(topicArn, alarmArns[0]!, ACCOUNT, false));

    // Assess
    expect(decision).toBe('explicit-deny');
  });

  it("does not let CloudWatch publish on behalf of another account's alarm", () => {
    // Prepare
    const { topicArn, statements } = alarmTopic();
    const foreignAlarm = `arn:aws:cloudwatch:eu-west-1:${OTHER_ACCOUNT}:alarm:${STACK_NAME}-MonitoringApi5xx-ABC`;

    // Act
    const decision = evaluate(statements, alarmPublish(topicArn, foreignAlarm, OTHER_ACCOUNT, true));

    // Assess
    expect(decision).toBe('implicit-deny');
  });

  it("does not let another stack's alarms, or a caller with no source, publish", () => {
    // Prepare
    const { topicArn, statements } = alarmTopic();
    const otherStackAlarm = `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:SomethingElse-CpuHigh-XYZ`;
    const noSource: AccessRequest = {
      action: 'sns:Publish',
      resource: topicArn,
      principal: CLOUDWATCH,
      context: { 'aws:SecureTransport': true },
    };

    // Act
    const otherStack = evaluate(statements, alarmPublish(topicArn, otherStackAlarm, ACCOUNT, true));
    const unsourced = evaluate(statements, noSource);

    // Assess
    expect(otherStack).toBe('implicit-deny');
    expect(unsourced).toBe('implicit-deny');
  });

  it('allows CloudWatch nothing but sns:Publish', () => {
    // Prepare
    const { topicArn, statements, alarmArns } = alarmTopic();
    const subscribe = { ...alarmPublish(topicArn, alarmArns[0]!, ACCOUNT, true), action: 'sns:Subscribe' };

    // Act
    const decision = evaluate(statements, subscribe);

    // Assess
    expect(decision).toBe('implicit-deny');
  });

  it("leaves the email subscription to the deployer's own permissions", () => {
    // Prepare
    // CloudFormation creates the AWS::SNS::Subscription with the deployer's credentials, in the
    // topic's own account and over TLS. Within one account an identity-policy Allow suffices
    // unless the topic policy denies, and its only Deny is for sns:Publish without TLS. (The
    // recipient's confirmation click is ConfirmSubscription, authorized by its token, not by
    // this policy; SNS's delivery of the email is SNS's own doing.)
    const { json, resolver, topicArn, statements } = alarmTopic({ alarmEmail: 'ops@example.com' });
    const deployerRole = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-eu-west-1`;
    const deployerPolicy: Statement = { Effect: 'Allow', Action: '*', Resource: '*' };
    const subscribe: AccessRequest = {
      action: 'sns:Subscribe',
      resource: topicArn,
      principal: { arn: deployerRole },
      context: { 'aws:SecureTransport': true, 'aws:PrincipalAccount': ACCOUNT },
    };
    const subscription = Object.values(json.Resources!).find((r) => r.Type === 'AWS::SNS::Subscription')!;

    // Act
    const withDeployerPolicy = evaluate([deployerPolicy, ...statements], subscribe);
    const topicPolicyAlone = evaluate(statements, subscribe);

    // Assess
    expect(resolver.resolve(subscription.Properties!.TopicArn)).toBe(topicArn);
    expect(withDeployerPolicy).toBe('allow');
    expect(topicPolicyAlone).toBe('implicit-deny'); // not denied: the deployer's policy decides
  });

  it('grants no function role anything on the topic', () => {
    // Prepare
    const { json, resolver, topicArn } = alarmTopic();
    const roles = Object.keys(json.Resources!).filter((id) => json.Resources![id]!.Type === 'AWS::IAM::Role');

    // Act
    const decisions = roles.map((role) =>
      evaluate(roleStatements(json, role, resolver), { action: 'sns:Publish', resource: topicArn }),
    );

    // Assess
    expect(roles.length).toBeGreaterThan(0);
    expect(new Set(decisions)).toEqual(new Set(['implicit-deny']));
  });
});
