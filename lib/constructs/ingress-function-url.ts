import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { FunctionUrl, FunctionUrlAuthType, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { FUNCTION_URL_DEFAULTS } from '../defaults.ts';
import { overrideProps } from '../override-props.ts';
import type { FrontDoor, FrontDoorAlarm, FrontDoorMetricOptions } from './ingress-types.ts';
import { INGRESS_PROPS_DEFAULTS } from './ingress-types.ts';

/** Properties of {@link FunctionUrlIngress}. */
export interface FunctionUrlIngressProps {
  /** The receiver: the URL invokes it directly. */
  readonly receiver: IFunction;
  /**
   * The receiver's reserved concurrency: the Function URL's only throttle (Lambda allows at most
   * 10 requests per second per unit of it).
   * @default FUNCTION_URL_DEFAULTS.reservedConcurrency (20)
   */
  readonly reservedConcurrency?: number;
  /**
   * Path of the "Vehicle data callback URI" (the receiver tells the routes apart by `rawPath`).
   * @default ROUTES.DATA_PATH ('/webhooks/smartcar')
   */
  readonly dataPath?: string;
  /**
   * Path of the optional "Vehicle error callback URI".
   * @default ROUTES.ERROR_PATH ('/webhooks/smartcar/errors')
   */
  readonly errorPath?: string;
}

/**
 * The cheapest front door (`-c ingress=function-url`): a Lambda Function URL on the receiver,
 * no API Gateway. Auth type `NONE`: Smartcar cannot sign requests with SigV4, and the HMAC
 * (`SC-Signature`) the receiver checks is the authentication, as behind the HTTP API.
 *
 * Every path reaches the function: the receiver serves the error route by path and answers
 * anything but `POST` with 405. The receiver's reserved concurrency (set by the stack from
 * {@link FunctionUrlIngressProps.reservedConcurrency}) is the throttle, so a flood can take
 * at most that much of the account's concurrency; beyond it the URL answers 429.
 *
 * @example
 * ```ts
 * const door = new FunctionUrlIngress(this, 'Ingress', { receiver: receiver.function, reservedConcurrency: 20 });
 * new CfnOutput(this, 'WebhookUrl', { value: door.dataUrl });
 * ```
 */
export class FunctionUrlIngress extends Construct implements FrontDoor {
  public readonly kind = 'function-url' as const;
  /** The Function URL. */
  public readonly functionUrl: FunctionUrl;
  public readonly dataUrl: string;
  public readonly errorUrl: string;
  public readonly steadyRequestsPerSecond: number;
  public readonly alarms: readonly FrontDoorAlarm[] = [];
  private readonly receiver: IFunction;

  public constructor(scope: Construct, id: string, userProps: FunctionUrlIngressProps) {
    super(scope, id);
    const props = overrideProps(INGRESS_PROPS_DEFAULTS, userProps);
    this.receiver = props.receiver;
    const reserved = props.reservedConcurrency ?? FUNCTION_URL_DEFAULTS.reservedConcurrency;
    this.steadyRequestsPerSecond = reserved * FUNCTION_URL_DEFAULTS.requestsPerSecondPerConcurrency;

    // With auth NONE, CDK adds the two resource-policy statements a public URL needs:
    // lambda:InvokeFunctionUrl (FunctionUrlAuthType NONE) and lambda:InvokeFunction
    // (InvokedViaFunctionUrl), both for any principal but usable through the URL only.
    this.functionUrl = new FunctionUrl(this, 'Url', {
      function: props.receiver,
      authType: FunctionUrlAuthType.NONE,
    });
    // (cdk-nag's LambdaFunctionUrlAuth rule would flag NONE; it is in neither pack the app runs.
    // Smartcar cannot send SigV4 requests, so AWS_IAM is not an option.)

    // The URL ends in "/": drop the path's leading slash.
    this.dataUrl = `${this.functionUrl.url}${props.dataPath.slice(1)}`;
    this.errorUrl = `${this.functionUrl.url}${props.errorPath.slice(1)}`;
  }

  public metricRequests(options: FrontDoorMetricOptions): IMetric {
    return this.receiver.metric('UrlRequestCount', { statistic: 'Sum', ...options });
  }

  public metricClientErrors(options: FrontDoorMetricOptions): IMetric {
    return this.receiver.metric('Url4xxCount', { statistic: 'Sum', ...options });
  }

  public metricServerErrors(options: FrontDoorMetricOptions): IMetric {
    return this.receiver.metric('Url5xxCount', { statistic: 'Sum', ...options });
  }

  public metricLatency(options: FrontDoorMetricOptions): IMetric {
    return this.receiver.metric('UrlRequestLatency', { statistic: 'Average', ...options });
  }
}
