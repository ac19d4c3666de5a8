import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { INGRESS_PROPS_DEFAULTS } from '../defaults.ts';
import { overrideProps } from '../override-props.ts';

/** Properties of {@link Ingress}. */
export interface IngressProps {
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

/**
 * One JSON object per request. Request metadata only: no body, no headers (the signature
 * header and the payload's VIN and location must never reach a log).
 */
const ACCESS_LOG_FIELDS: Record<string, string> = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
};

/**
 * The public edge: an HTTP API with exactly two routes (`POST` on the data and the error
 * callback paths) to the receiver, a throttled `$default` stage with JSON access logs.
 *
 * No catch-all route: anything else gets API Gateway's own 404 without invoking (and paying
 * for) the receiver.
 *
 * @example
 * ```ts
 * const ingress = new Ingress(this, 'Ingress', { receiver: receiver.function });
 * new CfnOutput(this, 'WebhookUrl', { value: ingress.dataUrl });
 * ```
 */
export class Ingress extends Construct {
  /** The HTTP API. */
  public readonly api: HttpApi;
  /** Its only stage (`$default`). */
  public readonly stage: HttpStage;
  /** The access log group. */
  public readonly accessLogGroup: LogGroup;
  /** Full URL of the data callback route. */
  public readonly dataUrl: string;
  /** Full URL of the error callback route. */
  public readonly errorUrl: string;

  public constructor(scope: Construct, id: string, userProps: IngressProps) {
    super(scope, id);
    const props = overrideProps(INGRESS_PROPS_DEFAULTS, userProps);
    const { dataPath, errorPath } = props;

    this.api = new HttpApi(this, 'Api', {
      description: 'Smartcar vehicle-data webhooks',
      createDefaultStage: false,
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttleRateLimit,
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

    const endpoint = this.api.apiEndpoint;
    this.dataUrl = `${endpoint}${dataPath}`;
    this.errorUrl = `${endpoint}${errorPath}`;
  }
}
