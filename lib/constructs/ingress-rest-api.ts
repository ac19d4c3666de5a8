import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  DomainName,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  SecurityPolicy,
  type Stage,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_SYNC_PAYLOAD_BYTES } from '../../lambda/core/constants.ts';
import { ALARM_PERIOD_MINUTES } from '../alarm-defaults.ts';
import { REST_API_DEFAULTS } from '../defaults.ts';
import { overrideProps } from '../override-props.ts';
import { accessLogFields } from './access-log-fields.ts';
import type { CustomDomain, FrontDoor, FrontDoorAlarm, FrontDoorMetricOptions } from './ingress-types.ts';
import { INGRESS_PROPS_DEFAULTS } from './ingress-types.ts';
import { RegionalWebAcl, WAF_RULES } from './ingress-waf.ts';

/** Properties of {@link RestApiIngress}. */
export interface RestApiIngressProps {
  /** The function both methods invoke. */
  readonly receiver: IFunction;
  /** @default ROUTES.DATA_PATH ('/webhooks/smartcar') */
  readonly dataPath?: string;
  /** @default ROUTES.ERROR_PATH ('/webhooks/smartcar/errors') */
  readonly errorPath?: string;
  /** @default 200 requests per second (stage throttle) */
  readonly throttleRateLimit?: number;
  /** @default 400 requests (stage burst) */
  readonly throttleBurstLimit?: number;
  /**
   * Requests per minute one client IP may send before WAF answers it 429.
   * @default throttleRateLimit x 60 (the stage's whole steady capacity for a minute)
   */
  readonly wafRateLimitPerMinute?: number;
  /**
   * A custom domain; the default `execute-api` endpoint is disabled when one is set.
   * @default - the `execute-api` endpoint only
   */
  readonly customDomain?: CustomDomain;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/** The REST API names its route by resource path, and adds WAF's answer. */
const ACCESS_LOG_FIELDS = accessLogFields(
  { resourcePath: '$context.resourcePath' },
  { waf: '$context.wafResponseCode' },
);

const HMAC_IS_THE_AUTH =
  'Smartcar cannot send auth headers; every request is authenticated by the HMAC signature (SC-Signature) in the receiver.';

/**
 * The front door for compliance teams (`-c ingress=rest-api`): a regional API Gateway REST API
 * with only `POST` on the two callback paths (Lambda proxy to the receiver), a throttled stage
 * with JSON access logs and ERROR-level execution logs (never request data), behind a regional
 * AWS WAF web ACL ({@link RegionalWebAcl}); optionally a custom domain.
 *
 * @example
 * ```ts
 * const door = new RestApiIngress(this, 'Ingress', { receiver: receiver.function });
 * new CfnOutput(this, 'WebhookUrl', { value: door.dataUrl });
 * ```
 */
export class RestApiIngress extends Construct implements FrontDoor {
  public readonly kind = 'rest-api' as const;
  /** The REST API. */
  public readonly api: RestApi;
  /** Its stage. */
  public readonly stage: Stage;
  /** The web ACL in front of it. */
  public readonly waf: RegionalWebAcl;
  /** The access log group. */
  public readonly accessLogGroup: LogGroup;
  public readonly dataUrl: string;
  public readonly errorUrl: string;
  public readonly steadyRequestsPerSecond: number;
  public readonly customDomainTarget?: string;
  public readonly alarms: readonly FrontDoorAlarm[];

  public constructor(scope: Construct, id: string, userProps: RestApiIngressProps) {
    super(scope, id);
    const props = overrideProps(INGRESS_PROPS_DEFAULTS, userProps);
    const { dataPath, errorPath, logRetention: retention, removalPolicy } = props;
    this.steadyRequestsPerSecond = props.throttleRateLimit;

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', { retention, removalPolicy });
    this.api = new RestApi(this, 'Api', {
      description: 'Smartcar vehicle-data webhooks',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      disableExecuteApiEndpoint: props.customDomain !== undefined,
      // REST APIs log through the Region-wide API Gateway role (AWS::ApiGateway::Account). It
      // serves every REST API of the account in the Region, so it is kept when this stack goes.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: REST_API_DEFAULTS.stageName,
        throttlingRateLimit: this.steadyRequestsPerSecond,
        throttlingBurstLimit: props.throttleBurstLimit,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        loggingLevel: MethodLoggingLevel.ERROR,
        // Data traces would log full request bodies (VIN, location) and headers (SC-Signature).
        dataTraceEnabled: false,
        // Per-method metrics are billed as custom metrics; the stage's own are free.
        metricsEnabled: false,
      },
    });
    this.stage = this.api.deploymentStage;
    // RestApi adds an output of the stage URL; the stack's WebhookUrl output is the one to use.
    this.api.node.tryRemoveChild('Endpoint');
    Validations.of(this.api.node.findChild('CloudWatchRole')).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The Region-wide API Gateway logging role (AWS::ApiGateway::Account) serves every REST API of the account; AWS documents AmazonAPIGatewayPushToCloudWatchLogs for it, and a policy scoped to this stack would stop the others logging.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'The receiver validates each request after checking its HMAC, so a refusal of a signed delivery is counted (SignedDeliveryRefused); a validator in front would refuse it unseen.',
    });

    // Execution logs (ERROR level) go to a group API Gateway would otherwise create without a
    // retention; created here first, it has the stack's retention and removal policy.
    const executionLogs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${REST_API_DEFAULTS.stageName}`,
      retention,
      removalPolicy,
    });
    this.stage.node.addDependency(executionLogs);
    Validations.of(this.stage).acknowledge({
      id: 'Serverless-APIGWXrayEnabled',
      reason:
        "No part of the pipeline is traced (X-Ray bills per traced request); the stage metrics, access log, WAF metrics and the receiver's own metrics cover each hop.",
    });

    const integration = new LambdaIntegration(props.receiver, { proxy: true, allowTestInvoke: false });
    for (const path of [dataPath, errorPath]) {
      const method = this.api.root.resourceForPath(path).addMethod('POST', integration);
      for (const rule of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
        Validations.of(method).acknowledge({ id: rule, reason: HMAC_IS_THE_AUTH });
      }
    }

    this.waf = new RegionalWebAcl(this, 'Waf', {
      resourceArn: this.stage.stageArn,
      // Not the receiver's MAX_BODY_BYTES: a signed body over it is quarantined, not refused
      // (docs/quarantine.md), so it must reach the receiver. Lambda takes no bigger request.
      maxBodyBytes: LAMBDA_SYNC_PAYLOAD_BYTES,
      rateLimitPerMinute: props.wafRateLimitPerMinute ?? this.steadyRequestsPerSecond * 60,
      logRetention: retention,
      removalPolicy,
    });
    this.alarms = [
      {
        id: 'WafRateLimited',
        description: `WAF answered 429 to a client IP sending more than ${this.waf.rateLimitPerMinute} requests a minute: a flood from one address, or Smartcar above the limit (its source IPs are in the WAF log; raise wafRateLimit).`,
        metric: this.waf.metricBlocked(WAF_RULES.RATE_LIMIT, { period: Duration.minutes(ALARM_PERIOD_MINUTES) }),
        threshold: 0,
      },
    ];

    this.dataUrl = this.api.urlForPath(dataPath);
    this.errorUrl = this.api.urlForPath(errorPath);
    if (props.customDomain) {
      const domain = new DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      // The domain's root maps to the stage: no stage name in the URL Smartcar calls.
      domain.addBasePathMapping(this.api, { stage: this.stage });
      this.dataUrl = `https://${props.customDomain.domainName}${dataPath}`;
      this.errorUrl = `https://${props.customDomain.domainName}${errorPath}`;
      this.customDomainTarget = domain.domainNameAliasDomainName;
    }
  }

  public metricRequests(options: FrontDoorMetricOptions): IMetric {
    return this.stage.metricCount({ statistic: 'Sum', ...options });
  }

  public metricClientErrors(options: FrontDoorMetricOptions): IMetric {
    return this.stage.metricClientError({ statistic: 'Sum', ...options });
  }

  public metricServerErrors(options: FrontDoorMetricOptions): IMetric {
    return this.stage.metricServerError({ statistic: 'Sum', ...options });
  }

  public metricLatency(options: FrontDoorMetricOptions): IMetric {
    return this.stage.metricLatency({ statistic: 'Average', ...options });
  }
}
