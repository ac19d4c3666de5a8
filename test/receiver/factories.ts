import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { vi } from 'vitest';
import { MESSAGE_ATTRIBUTE, ROUTE_KIND, ROUTES, SERVICE } from '../../lambda/core/constants.ts';
import { CompactLogFormatter } from '../../lambda/core/log-formatter.ts';
import type { QuarantineStore } from '../../lambda/core/quarantine-layout.ts';
import { computeSignature } from '../../lambda/core/signature.ts';
import { createReceiverHandler } from '../../lambda/receiver/receiver.ts';
import { staticAmtProvider } from '../../lambda/receiver/signature-check.ts';
import type {
  AmtProvider,
  ReceiverDependencies,
  ReceiverHandler,
  ReceiverOutcome,
} from '../../lambda/receiver/types.ts';
import { LocalQuarantineStore } from '../../local/quarantine-store.ts';

/** The AMT the receiver tests sign with. */
export const AMT = 'test-amt-0000';

/** A fixed clock, so `receivedAt` is predictable. */
export const NOW = 1_790_000_000_000;

export interface EventOptions {
  body?: string | null;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
  isBase64Encoded?: boolean;
}

/**
 * An API Gateway HTTP API (payload 2.0) event, as API Gateway builds it: header names lowercased
 * unless the test passes them otherwise on purpose.
 *
 * @example
 * ```ts
 * httpApiEvent({ body, headers: { 'sc-signature': sign(body) } });
 * ```
 */
export function httpApiEvent(options: EventOptions = {}): APIGatewayProxyEventV2 {
  const method = options.method ?? 'POST';
  const path = options.path ?? ROUTES.DATA_PATH;
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'user-agent': 'Smartcar/test', ...options.headers },
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'Smartcar/test' },
      requestId: 'req-0001',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: NOW,
    },
    body: options.body ?? undefined,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

/**
 * An API Gateway REST API (payload 1.0) event: header names as sent, plus `multiValueHeaders`.
 *
 * @example
 * ```ts
 * restApiEvent({ body, headers: { 'SC-Signature': sign(body) } });
 * ```
 */
export function restApiEvent(
  options: EventOptions & { multiValueHeaders?: Record<string, string[]> } = {},
): APIGatewayProxyEvent {
  const headers = { 'Content-Type': 'application/json', ...options.headers };
  const multiValueHeaders =
    options.multiValueHeaders ?? Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
  const path = options.path ?? ROUTES.DATA_PATH;
  return {
    resource: path,
    path,
    httpMethod: options.method ?? 'POST',
    headers,
    multiValueHeaders,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      requestId: 'req-rest-0001',
      httpMethod: options.method ?? 'POST',
    } as APIGatewayProxyEvent['requestContext'],
    body: options.body === undefined ? null : options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

/** The id in a Function URL's host name, `<url-id>.lambda-url.<region>.on.aws`. */
export const FUNCTION_URL_ID = 'abcdefghijklmnopqrstuvwxyz012345';

export interface FunctionUrlEventOptions {
  /** The body as Smartcar sent it (text); the factory encodes it when `base64` is true. */
  body?: string | Buffer;
  /** Header names as Lambda passes them: lowercase; a repeated header arrives comma-joined. */
  headers?: Record<string, string>;
  method?: string;
  /** The URL's path, which is all a Function URL has to tell the callbacks apart. */
  path?: string;
  /** Lambda base64-encodes bodies it takes as binary. @default true */
  base64?: boolean;
}

/**
 * A Lambda Function URL event (auth type NONE), field for field as the Lambda developer guide's
 * "Request payload format" lists it: payload 2.0 with `routeKey` and `requestContext.routeKey`
 * and `stage` all the placeholder `$default`, the path only in `rawPath` and
 * `requestContext.http.path`, lowercase headers, `null` for `authentication`, `authorizer`,
 * `pathParameters` and `stageVariables`. The `aws-lambda` types do not model those nulls, hence
 * the cast: the runtime hands the handler this JSON, not the type.
 *
 * @example
 * ```ts
 * functionUrlEvent({ body, headers: signatureHeader(body), path: ROUTES.ERROR_PATH });
 * ```
 */
export function functionUrlEvent(options: FunctionUrlEventOptions = {}): LambdaFunctionURLEvent {
  const method = options.method ?? 'POST';
  const path = options.path ?? ROUTES.DATA_PATH;
  const base64 = options.base64 ?? true;
  const domainName = `${FUNCTION_URL_ID}.lambda-url.us-east-1.on.aws`;
  const raw = options.body === undefined ? undefined : Buffer.from(options.body);
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      host: domainName,
      'user-agent': 'Smartcar/test',
      'x-amzn-trace-id': 'Root=1-68000000-000000000000000000000000',
      'x-forwarded-for': '192.0.2.1',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...(raw ? { 'content-length': String(raw.length) } : {}),
      ...options.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: FUNCTION_URL_ID,
      authentication: null,
      authorizer: null,
      domainName,
      domainPrefix: FUNCTION_URL_ID,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'Smartcar/test' },
      requestId: 'furl-req-0001',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: NOW,
    },
    body: raw === undefined ? undefined : raw.toString(base64 ? 'base64' : 'utf8'),
    pathParameters: null,
    isBase64Encoded: raw !== undefined && base64,
    stageVariables: null,
  };
  return event as unknown as LambdaFunctionURLEvent;
}

/**
 * The `sc-signature` header for `body`.
 *
 * @example
 * ```ts
 * httpApiEvent({ body, headers: signatureHeader(body, 'other-amt') });
 * ```
 */
export function signatureHeader(body: string | Buffer, amt = AMT): Record<string, string> {
  return { 'sc-signature': computeSignature(amt, body) };
}

/**
 * A signed HTTP API delivery of `body`.
 *
 * @example
 * ```ts
 * await handler(signedEvent(JSON.stringify(buildVehicleState()), { amt: 'rotated-amt' }));
 * ```
 */
export function signedEvent(body: string, options: EventOptions & { amt?: string } = {}): APIGatewayProxyEventV2 {
  return httpApiEvent({ ...options, body, headers: { ...signatureHeader(body, options.amt), ...options.headers } });
}

/** Everything the logger and metrics wrote, parsed per line. */
export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
  /** Raw text written to stdout and stderr. */
  output(): string;
  logs(): Array<Record<string, unknown>>;
  emf(): Array<Record<string, unknown>>;
  clear(): void;
  restore(): void;
}

/**
 * A real Powertools Logger and Metrics whose output (stdout and stderr, as in Lambda) is captured
 * instead of printed.
 *
 * @example
 * ```ts
 * const telemetry = captureTelemetry();
 * afterEach(() => telemetry.restore());
 * ```
 */
export function captureTelemetry(): Telemetry {
  let chunks: string[] = [];
  const capture = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
  const logger = new Logger({
    serviceName: SERVICE.RECEIVER,
    logLevel: 'INFO',
    logFormatter: new CompactLogFormatter(),
  });
  const metrics = new Metrics({ namespace: 'ReceiverTest', serviceName: SERVICE.RECEIVER });
  const lines = (): Array<Record<string, unknown>> =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    logger,
    metrics,
    output: () => chunks.join(''),
    logs: () => lines().filter((line) => !('_aws' in line)),
    emf: () => lines().filter((line) => '_aws' in line),
    clear: () => {
      chunks = [];
    },
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}

/** A receiver under test, with everything it reported. */
export interface ReceiverUnderTest {
  handler: ReceiverHandler;
  /** The quarantine it stores into: the one passed, else one in memory. */
  quarantine: QuarantineStore & Partial<Pick<LocalQuarantineStore, 'list'>>;
  outcomes: ReceiverOutcome[];
  telemetry: Telemetry;
}

/**
 * Builds the receiver with a fixed clock, a static AMT, captured telemetry and recorded outcomes.
 *
 * The replay window is off unless a test passes `deliveryToleranceSeconds`: the fixed clock
 * (`NOW`) is not the clock the payload factories stamp `meta.deliveredAt` with, and the Smartcar
 * test vectors are dated 2024. `delivery-age.test.ts` turns it on with a matching clock.
 *
 * @example
 * ```ts
 * const { handler, outcomes } = buildReceiver({ sqs: queue.sqs, queueUrl: queue.queueUrl });
 * ```
 */
export function buildReceiver(
  deps: { sqs: SQSClient; queueUrl: string; amt?: AmtProvider } & Partial<
    Omit<ReceiverDependencies, 'sqs' | 'queueUrl'>
  >,
): ReceiverUnderTest {
  const telemetry = captureTelemetry();
  const outcomes: ReceiverOutcome[] = [];
  const quarantine = deps.quarantine ?? new LocalQuarantineStore();
  const handler = createReceiverHandler({
    quarantine,
    logger: telemetry.logger,
    metrics: telemetry.metrics,
    amt: staticAmtProvider(AMT),
    now: () => NOW,
    deliveryToleranceSeconds: 0,
    onOutcome: (outcome) => outcomes.push(outcome),
    ...deps,
  });
  return { handler, quarantine, outcomes, telemetry };
}

/**
 * Parses a response body.
 *
 * @example
 * ```ts
 * expect(bodyOf(result)).toEqual({ error: 'signature_invalid' });
 * ```
 */
export function bodyOf(result: { body: string }): Record<string, unknown> {
  return JSON.parse(result.body) as Record<string, unknown>;
}

/**
 * The message attributes the receiver puts on an enqueued delivery received at {@link NOW}.
 *
 * @example
 * ```ts
 * expect(messages[0]?.MessageAttributes).toEqual(enqueuedAttributes({ eventId: 'evt-1', deliveryId: 'dlv-1' }));
 * ```
 */
export function enqueuedAttributes(options: {
  eventId: string;
  deliveryId: string;
  eventType?: string;
  route?: string;
}): Record<string, { DataType: string; StringValue: string }> {
  return {
    [MESSAGE_ATTRIBUTE.EVENT_ID]: { DataType: 'String', StringValue: options.eventId },
    [MESSAGE_ATTRIBUTE.EVENT_TYPE]: { DataType: 'String', StringValue: options.eventType ?? 'VEHICLE_STATE' },
    [MESSAGE_ATTRIBUTE.DELIVERY_ID]: { DataType: 'String', StringValue: options.deliveryId },
    [MESSAGE_ATTRIBUTE.ROUTE]: { DataType: 'String', StringValue: options.route ?? ROUTE_KIND.DATA },
    [MESSAGE_ATTRIBUTE.RECEIVED_AT]: { DataType: 'Number', StringValue: String(NOW) },
  };
}

/**
 * The outcome the receiver reports for a signed VEHICLE_STATE delivery it enqueued.
 *
 * @example
 * ```ts
 * expect(outcomes).toEqual([enqueuedOutcome({ eventId: 'evt-1', body })]);
 * ```
 */
export function enqueuedOutcome(options: { eventId: string; body: string }): ReceiverOutcome {
  return {
    statusCode: 200,
    code: 'enqueued',
    eventType: 'VEHICLE_STATE',
    eventId: options.eventId,
    enqueued: true,
    signed: true,
    route: 'data',
    bodyBytes: Buffer.byteLength(options.body),
  };
}
