import { describe, expect, it } from 'vitest';
import { LAMBDA_SYNC_PAYLOAD_BYTES, ROUTES } from '../../lambda/core/constants.ts';
import { api4xxThresholdFor } from '../../lib/alarm-defaults.ts';
import { WAF_RULES } from '../../lib/constructs/ingress-waf.ts';
import { integerAbovePattern } from '../../lib/constructs/ingress-waf-patterns.ts';
import { INGRESS_DEFAULTS, REST_API_DEFAULTS, WAF_DEFAULTS } from '../../lib/defaults.ts';
import { logicalId, resourceByPrefix, templateFor } from '../infra/helpers.ts';
import { alarmProps, typesStartingWith } from './helpers.ts';

const REST_API = { ingress: 'rest-api' };

type Rule = {
  Name: string;
  Priority: number;
  Action?: unknown;
  OverrideAction?: unknown;
  Statement: Record<string, unknown>;
  VisibilityConfig: Record<string, unknown>;
};

function rules(context: Record<string, unknown> = REST_API): Rule[] {
  return resourceByPrefix(templateFor(context), 'AWS::WAFv2::WebACL', 'IngressWafWebAcl').properties.Rules as Rule[];
}

function rule(name: string, context?: Record<string, unknown>): Rule {
  const found = rules(context).find((r) => r.Name === name);
  if (!found) throw new Error(`no WAF rule ${name}`);
  return found;
}

/** Each method's path (from its resource chain) and HTTP method. */
function methods(template: ReturnType<typeof templateFor>): string[] {
  const resources = template.findResources('AWS::ApiGateway::Resource') as Record<
    string,
    { Properties: { PathPart: string; ParentId: unknown } }
  >;
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    const resource = id ? resources[id] : undefined;
    return resource ? `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}` : '';
  };
  return Object.values(template.findResources('AWS::ApiGateway::Method'))
    .map((m) => {
      const p = (m as { Properties: { HttpMethod: string; ResourceId: unknown } }).Properties;
      return `${p.HttpMethod} ${pathOf(p.ResourceId) || '/'}`;
    })
    .sort();
}

describe('Front door: rest-api', () => {
  it('has only POST on the two callback paths: no root method, no ANY, no proxy resource', () => {
    // Prepare
    const template = templateFor(REST_API);

    // Act
    const found = methods(template);

    // Assess
    expect(found).toEqual([`POST ${ROUTES.DATA_PATH}`, `POST ${ROUTES.ERROR_PATH}`]);
    expect(typesStartingWith(template, 'AWS::ApiGatewayV2')).toEqual([]);
  });

  it('uses the paths given in context', () => {
    // Prepare
    const template = templateFor({ ...REST_API, dataPath: '/hooks/data', errorPath: '/hooks/errors' });

    // Act
    const found = methods(template);

    // Assess
    expect(found).toEqual(['POST /hooks/data', 'POST /hooks/errors']);
  });

  it('is a regional API whose methods proxy to the receiver without authorizer', () => {
    // Prepare
    const template = templateFor(REST_API);
    const receiver = logicalId(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Act
    const all = Object.values(template.findResources('AWS::ApiGateway::Method')).map(
      (m) => (m as { Properties: Record<string, unknown> }).Properties,
    );

    // Assess
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    for (const method of all) {
      expect(method).toMatchObject({
        AuthorizationType: 'NONE',
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
      });
      expect(JSON.stringify(method.Integration)).toContain(receiver);
    }
    expect(all).toHaveLength(2);
  });

  it('throttles the stage, logs access as JSON without bodies or headers and execution at ERROR without data', () => {
    // Prepare
    const template = templateFor(REST_API);
    const accessLogs = logicalId(template, 'AWS::Logs::LogGroup', 'IngressAccessLogs');

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::ApiGateway::Stage', 'IngressApiDeploymentStage');
    const settings = properties.AccessLogSetting as { DestinationArn: unknown; Format: string };

    // Assess
    expect(properties.StageName).toBe(REST_API_DEFAULTS.stageName);
    expect(properties.MethodSettings).toEqual([
      {
        DataTraceEnabled: false,
        HttpMethod: '*',
        LoggingLevel: 'ERROR',
        MetricsEnabled: false,
        ResourcePath: '/*',
        ThrottlingBurstLimit: INGRESS_DEFAULTS.throttleBurstLimit,
        ThrottlingRateLimit: INGRESS_DEFAULTS.throttleRateLimit,
      },
    ]);
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [accessLogs, 'Arn'] });
    expect(JSON.parse(settings.Format)).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      status: '$context.status',
      waf: '$context.wafResponseCode',
    });
    expect(settings.Format).not.toMatch(/\$(context|input|request)\.(body|header|requestOverride)/i);
  });

  it('creates the execution log group itself, with the stack retention, before the stage', () => {
    // Prepare
    const template = templateFor({ ...REST_API, logRetentionDays: 7 });
    const api = logicalId(template, 'AWS::ApiGateway::RestApi', 'IngressApi');
    const { logicalId: group, properties } = resourceByPrefix(template, 'AWS::Logs::LogGroup', 'IngressExecutionLogs');

    // Act
    const stage = template.toJSON().Resources[
      logicalId(template, 'AWS::ApiGateway::Stage', 'IngressApiDeploymentStage')
    ] as { DependsOn?: string[] };

    // Assess
    expect(properties).toEqual({
      LogGroupName: {
        'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: api }, `/${REST_API_DEFAULTS.stageName}`]],
      },
      RetentionInDays: 7,
    });
    expect(stage.DependsOn).toContain(group);
  });

  it('associates one regional web ACL with the stage, allowing by default', () => {
    // Prepare
    const template = templateFor(REST_API);
    const acl = logicalId(template, 'AWS::WAFv2::WebACL', 'IngressWafWebAcl');
    const api = logicalId(template, 'AWS::ApiGateway::RestApi', 'IngressApi');
    const stage = logicalId(template, 'AWS::ApiGateway::Stage', 'IngressApiDeploymentStage');

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::WAFv2::WebACLAssociation', 'IngressWaf');

    // Assess
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    expect(properties.WebACLArn).toEqual({ 'Fn::GetAtt': [acl, 'Arn'] });
    expect(properties.ResourceArn).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':apigateway:',
          { Ref: 'AWS::Region' },
          '::/restapis/',
          { Ref: api },
          '/stages/',
          { Ref: stage },
        ],
      ],
    });
  });

  it("rate-limits each client IP per minute at the stage's whole steady capacity, answering 429", () => {
    // Prepare: nothing but the front door chosen.

    // Act
    const found = rule(WAF_RULES.RATE_LIMIT);

    // Assess
    expect(found.Priority).toBe(0);
    expect(found.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
    expect(found.Statement).toEqual({
      RateBasedStatement: {
        AggregateKeyType: 'IP',
        EvaluationWindowSec: 60,
        Limit: INGRESS_DEFAULTS.throttleRateLimit * 60,
      },
    });
    expect(WAF_DEFAULTS.rateLimitPerMinute).toBe(INGRESS_DEFAULTS.throttleRateLimit * 60);
  });

  it.each([
    [{ throttleRateLimit: 50 }, 3_000],
    [{ wafRateLimit: '100000' }, 100_000],
    [{ throttleRateLimit: 50, wafRateLimit: 20 }, 20],
  ])('follows the context %j to a per-IP limit of %i a minute', (context, limit) => {
    // Prepare
    const withContext = { ...REST_API, ...context };

    // Act
    const found = rule(WAF_RULES.RATE_LIMIT, withContext);

    // Assess
    expect((found.Statement.RateBasedStatement as { Limit: number }).Limit).toBe(limit);
  });

  it('refuses with 413 before anything runs only a Content-Length Lambda could not take, so a signed body over the receiver limit reaches the quarantine', () => {
    // Prepare: nothing but the front door chosen.

    // Act
    const found = rule(WAF_RULES.BODY_SIZE);

    // Assess
    expect(found.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 413 } } });
    expect(found.Statement).toEqual({
      RegexMatchStatement: {
        FieldToMatch: { SingleHeader: { Name: 'content-length' } },
        RegexString: integerAbovePattern(LAMBDA_SYNC_PAYLOAD_BYTES),
        TextTransformations: [{ Priority: 0, Type: 'NONE' }],
      },
    });
  });

  it('runs the AWS IP reputation and known-bad-inputs managed rule groups as published', () => {
    // Prepare: nothing but the front door chosen.

    // Act
    const managed = rules().filter((r) => 'ManagedRuleGroupStatement' in r.Statement);

    // Assess
    expect(managed.map((r) => [r.Name, r.Statement.ManagedRuleGroupStatement, r.OverrideAction])).toEqual([
      [WAF_RULES.IP_REPUTATION, { Name: 'AWSManagedRulesAmazonIpReputationList', VendorName: 'AWS' }, { None: {} }],
      [WAF_RULES.KNOWN_BAD_INPUTS, { Name: 'AWSManagedRulesKnownBadInputsRuleSet', VendorName: 'AWS' }, { None: {} }],
    ]);
  });

  it('publishes a CloudWatch metric per rule and keeps no sampled requests (they would show SC-Signature)', () => {
    // Prepare: nothing but the front door chosen.

    // Act
    const visibility = rules().map((r) => r.VisibilityConfig);

    // Assess
    expect(visibility).toEqual(
      Object.values(WAF_RULES).map((name) => ({
        CloudWatchMetricsEnabled: true,
        MetricName: name,
        SampledRequestsEnabled: false,
      })),
    );
  });

  it('logs blocked requests only, to an aws-waf-logs- group, with SC-Signature redacted', () => {
    // Prepare
    const template = templateFor(REST_API);
    const acl = logicalId(template, 'AWS::WAFv2::WebACL', 'IngressWafWebAcl');
    const group = resourceByPrefix(template, 'AWS::Logs::LogGroup', 'IngressWafLogs').properties;

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::WAFv2::LoggingConfiguration', 'IngressWafLogging');

    // Assess
    expect(group.LogGroupName).toMatch(/^aws-waf-logs-/);
    expect(group.RetentionInDays).toBe(30);
    expect(properties.ResourceArn).toEqual({ 'Fn::GetAtt': [acl, 'Arn'] });
    expect(JSON.stringify(properties.LogDestinationConfigs)).toContain(`:log-group:${String(group.LogGroupName)}"`);
    expect(properties.RedactedFields).toEqual([{ SingleHeader: { Name: 'sc-signature' } }]);
    expect(properties.LoggingFilter).toEqual({
      DefaultBehavior: 'DROP',
      Filters: [{ Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }] }],
    });
  });

  it.each([
    ['Api4xx', '4XXError', api4xxThresholdFor(INGRESS_DEFAULTS.throttleRateLimit)],
    ['Api5xx', '5XXError', 0],
  ])('wires %s to the REST stage metric %s', (alarm, metricName, threshold) => {
    // Prepare
    const template = templateFor(REST_API);

    // Act
    const properties = alarmProps(template, alarm);

    // Assess
    expect(properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: metricName,
      Statistic: 'Sum',
      Threshold: threshold,
    });
    expect((properties.Dimensions as { Name: string }[]).map((d) => d.Name).sort()).toEqual(['ApiName', 'Stage']);
  });

  it('alarms on the first client IP the rate rule blocks', () => {
    // Prepare
    const template = templateFor(REST_API);
    const acl = resourceByPrefix(template, 'AWS::WAFv2::WebACL', 'IngressWafWebAcl').properties;

    // Act
    const properties = alarmProps(template, 'WafRateLimited');

    // Assess
    expect(properties).toMatchObject({
      Namespace: 'AWS/WAFV2',
      MetricName: 'BlockedRequests',
      Statistic: 'Sum',
      Threshold: 0,
      Dimensions: [
        { Name: 'Region', Value: { Ref: 'AWS::Region' } },
        { Name: 'Rule', Value: WAF_RULES.RATE_LIMIT },
        { Name: 'WebACL', Value: acl.Name },
      ],
    });
  });

  it('keeps the Region-wide API Gateway logging role when the stack is deleted', () => {
    // Prepare
    const template = templateFor(REST_API);
    const role = logicalId(template, 'AWS::IAM::Role', 'IngressApiCloudWatchRole');

    // Act
    const resources = template.toJSON().Resources as Record<
      string,
      { DeletionPolicy?: string; Properties: Record<string, unknown> }
    >;

    // Assess
    expect(resources[role]?.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::ApiGateway::Account', { CloudWatchRoleArn: { 'Fn::GetAtt': [role, 'Arn'] } });
  });
});
