import type { Construct } from 'constructs';
import { FUNCTION_URL_DEFAULTS } from '../defaults.ts';
import { ConfigError } from '../errors.ts';
import { FunctionUrlIngress } from './ingress-function-url.ts';
import { HttpApiIngress } from './ingress-http-api.ts';
import { RestApiIngress } from './ingress-rest-api.ts';
import { DEFAULT_INGRESS, type FrontDoor, type IngressKind, type IngressProps } from './ingress-types.ts';

/**
 * The receiver's reserved concurrency for a front door: what was configured, else the Function
 * URL's default (its only throttle), else none (an API Gateway stage throttles in front of it).
 *
 * @example
 * ```ts
 * receiverReservedConcurrencyFor('function-url', undefined); // 20
 * receiverReservedConcurrencyFor('http-api', undefined); // undefined
 * ```
 */
export function receiverReservedConcurrencyFor(kind: IngressKind, configured: number | undefined): number | undefined {
  return configured ?? (kind === 'function-url' ? FUNCTION_URL_DEFAULTS.reservedConcurrency : undefined);
}

/**
 * Builds the chosen front door in front of the receiver. The stack calls this once; alarms,
 * dashboard and outputs use only the {@link FrontDoor} it returns.
 *
 * @throws {ConfigError} when an option does not apply to the chosen front door (a custom domain on a Function URL).
 * @example
 * ```ts
 * const ingress = createIngress(this, 'Ingress', { kind: 'rest-api', receiver: receiver.function });
 * new CfnOutput(this, 'WebhookUrl', { value: ingress.dataUrl });
 * ```
 */
export function createIngress(scope: Construct, id: string, props: IngressProps): FrontDoor {
  const kind = props.kind ?? DEFAULT_INGRESS;
  const common = { receiver: props.receiver, dataPath: props.dataPath, errorPath: props.errorPath };
  const stage = {
    throttleRateLimit: props.throttleRateLimit,
    throttleBurstLimit: props.throttleBurstLimit,
    customDomain: props.customDomain,
    logRetention: props.logRetention,
    removalPolicy: props.removalPolicy,
  };
  switch (kind) {
    case 'http-api':
      return new HttpApiIngress(scope, id, { ...common, ...stage });
    case 'rest-api':
      return new RestApiIngress(scope, id, { ...common, ...stage, wafRateLimitPerMinute: props.wafRateLimitPerMinute });
    case 'function-url':
      if (props.customDomain) {
        // A Function URL has no custom domain of its own; that takes CloudFront in front of it.
        throw new ConfigError(
          'domainName',
          'no custom domain with ingress=function-url (use http-api or rest-api)',
          props.customDomain.domainName,
        );
      }
      return new FunctionUrlIngress(scope, id, {
        ...common,
        reservedConcurrency: receiverReservedConcurrencyFor(kind, props.receiverReservedConcurrency),
      });
  }
}
