/** The request fields both API Gateway front doors log first. */
const REQUEST_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
} as const;

/** The outcome fields both API Gateway front doors log after the route. */
const OUTCOME_FIELDS = {
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
} as const;

/**
 * The JSON access log fields of an API Gateway front door: one object per request, request
 * metadata only (no body, no headers: the signature header and the payload's VIN and location
 * must never reach a log). Each API type names its route differently, hence `route`.
 *
 * @example
 * ```ts
 * const fields = accessLogFields({ routeKey: '$context.routeKey', path: '$context.path' });
 * AccessLogFormat.custom(JSON.stringify(fields));
 * ```
 */
export function accessLogFields(
  route: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return { ...REQUEST_FIELDS, ...route, ...OUTCOME_FIELDS, ...extra };
}
