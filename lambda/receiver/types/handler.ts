import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';

/**
 * What the receiver accepts: an HTTP API (payload 2.0) or REST API (1.0) proxy event, or a Lambda
 * Function URL event (the 2.0 shape, with `routeKey: '$default'`: the route comes from `rawPath`).
 *
 * @example
 * ```ts
 * const event: ReceiverEvent = { version: '2.0', routeKey: '$default', rawPath: '/webhooks/smartcar', ... };
 * ```
 */
export type ReceiverEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent;

/**
 * What the receiver answers: valid for both API Gateway payload versions and Function URLs.
 *
 * @example
 * ```ts
 * const result: ReceiverResult = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"accepted"}' };
 * ```
 */
export type ReceiverResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/**
 * The receiver function: usable as the Lambda handler itself (the context is optional and unused).
 *
 * @example
 * ```ts
 * const handler: ReceiverHandler = createReceiverHandler(deps);
 * const { statusCode } = await handler(event);
 * ```
 */
export type ReceiverHandler = (event: ReceiverEvent, context?: Context) => Promise<ReceiverResult>;
