import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { overrideProps } from '../override-props.ts';
import { accessLogFields } from './access-log-fields.ts';
import type { CustomDomain, FrontDoor, FrontDoorAlarm, FrontDoorMetricOptions } from './ingress-types.ts';
import { INGRESS_PROPS_DEFAULTS } from './ingress-types.ts';

/** Properties of {@link HttpApiIngress}. */
export interface HttpApiIngressProps {
  /** The function both routes invoke. */
  readonly receiver: IFunction;
  /**
   * Path of the "Vehicle data callback URI".
   * @default ROUTES.DATA_PATH ('/webhooks/smartcar')
   */
  readonly dataPath?: string;
  /**
   * Path of the optional "Vehicle error callback URI".
   * @default ROUTES.ERROR_PATH ('/webhooks/smartcar/errors')
   */
  readonly errorPath?: string;
  /**
   * Steady-state requests per second for the stage.
   * @default 200
   */
  readonly throttleRateLimit?: number;
  /**
   * Burst capacity for the stage.
   * @default 400
   */
  readonly throttleBurstLimit?: number;
  /**
   * A custom domain; the default `execute-api` endpoint is disabled when one is set.
   * @default - the `execute-api` endpoint only
   */
  readonly customDomain?: CustomDomain;
  /**
   * Retention of the access log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Removal policy of the access log group.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The HTTP API names its route by route key and path. */
const ACCESS_LOG_FIELDS = accessLogFields({ routeKey: '$context.routeKey', path: '$context.path' });

/**
 * The default front door (`-c ingress=http-api`): an HTTP API with exactly two routes (`POST`
 * on the data and the error callback paths) to the receiver, a throttled `$default` stage with
 * JSON access logs, and optionally a custom domain.
 *
 * No catch-all route: anything else gets API Gateway's own 404 without invoking (and paying
 * for) the receiver.
 *
 * @example
 * ```ts
 * const ingress = new HttpApiIngress(this, 'Ingress', { receiver: receiver.function });
 * new CfnOutput(this, 'WebhookUrl', { value: ingress.dataUrl });
 * ```
 */
export class HttpApiIngress extends Construct implements FrontDoor {
  public readonly kind = 'http-api' as const;
  /** The HTTP API. */
  public readonly api: HttpApi;
  /** Its only stage (`$default`). */
  public readonly stage: HttpStage;
  /** The access log group. */
  public readonly accessLogGroup: LogGroup;
  public readonly dataUrl: string;
  public readonly errorUrl: string;
  public readonly steadyRequestsPerSecond: number;
  public readonly customDomainTarget?: string;
  public readonly alarms: readonly FrontDoorAlarm[] = [];

  public constructor(scope: Construct, id: string, userProps: HttpApiIngressProps) {
    super(scope, id);
    const props = overrideProps(INGRESS_PROPS_DEFAULTS, userProps);
    const { dataPath, errorPath } = props;
    this.steadyRequestsPerSecond = props.throttleRateLimit;

    this.api = new HttpApi(this, 'Api', {
      description: 'Smartcar vehicle-data webhooks',
      createDefaultStage: false,
      // With a custom domain, the execute-api host would be a second way in that skips it.
      disableExecuteApiEndpoint: props.customDomain !== undefined,
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: {
        rateLimit: this.steadyRequestsPerSecond,
        burstLimit: props.throttleBurstLimit,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integration = new HttpLambdaIntegration('Receiver', props.receiver, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    const routes = [
      ...this.api.addRoutes({ path: dataPath, methods: [HttpMethod.POST], integration }),
      ...this.api.addRoutes({ path: errorPath, methods: [HttpMethod.POST], integration }),
    ];
    for (const route of routes) {
      for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
        Validations.of(route).acknowledge({
          id,
          reason:
            'Smartcar cannot send auth headers; every request is authenticated by the HMAC signature (SC-Signature) in the receiver.',
        });
      }
    }

    // apiEndpoint cannot be read once the execute-api endpoint is disabled.
    const base = props.customDomain ? `https://${props.customDomain.domainName}` : this.api.apiEndpoint;
    if (props.customDomain) {
      const domain = new DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      new ApiMapping(this, 'DomainMapping', { api: this.api, domainName: domain, stage: this.stage });
      this.customDomainTarget = domain.regionalDomainName;
    }
    this.dataUrl = `${base}${dataPath}`;
    this.errorUrl = `${base}${errorPath}`;
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
