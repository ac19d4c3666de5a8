import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EVENT_TYPE_DIMENSION, METRIC, REFUSAL_REASON_DIMENSION, ROUTE_KIND } from '../core/constants.ts';
import { OUTCOME_CODE, QUARANTINED_MESSAGE } from './constants.ts';
import { OUTCOME_STATUS } from './request.ts';
import type {
  Decision,
  LogDetails,
  NormalizedRequest,
  OutcomeCode,
  ReceiverDependencies,
  ReceiverOutcome,
} from './types.ts';

/**
 * The one metric each outcome counts; `internal_error` counts none (the API 5xx alarm sees it).
 * A 4xx after a valid signature counts `SignedDeliveryRefused` instead (see {@link reportOutcome}).
 */
const OUTCOME_METRIC: Readonly<Record<OutcomeCode, string | undefined>> = {
  [OUTCOME_CODE.ENQUEUED]: METRIC.EVENT_RECEIVED,
  // Counted by reason instead (see reportOutcome).
  [OUTCOME_CODE.QUARANTINED]: undefined,
  [OUTCOME_CODE.VERIFY_ANSWERED]: METRIC.VERIFY_ANSWERED,
  [OUTCOME_CODE.CHALLENGE_REFUSED]: METRIC.VERIFY_REFUSED,
  [OUTCOME_CODE.SIGNATURE_INVALID]: METRIC.SIGNATURE_INVALID,
  [OUTCOME_CODE.PAYLOAD_TOO_LARGE]: METRIC.PAYLOAD_TOO_LARGE,
  [OUTCOME_CODE.METHOD_NOT_ALLOWED]: METRIC.BAD_REQUEST,
  [OUTCOME_CODE.BAD_REQUEST]: METRIC.BAD_REQUEST,
  [OUTCOME_CODE.NOT_JSON_OBJECT]: METRIC.BAD_REQUEST,
  [OUTCOME_CODE.MISSING_EVENT_TYPE]: METRIC.BAD_REQUEST,
  // Always signed, so always counted as `SignedDeliveryRefused` with reason `stale_delivery`.
  [OUTCOME_CODE.STALE_DELIVERY]: undefined,
  [OUTCOME_CODE.SECRET_UNAVAILABLE]: METRIC.SECRET_UNAVAILABLE,
  [OUTCOME_CODE.ENQUEUE_FAILED]: METRIC.ENQUEUE_FAILED,
  [OUTCOME_CODE.QUARANTINE_FAILED]: METRIC.QUARANTINE_FAILED,
  [OUTCOME_CODE.INTERNAL_ERROR]: undefined,
};

/**
 * True for a 4xx answered to a request whose signature matched: Smartcar sent it, and it will be
 * refused again on each of Smartcar's retries. Generic over the outcome code, so a 4xx code added
 * later is counted with no change here.
 */
function isSignedRefusal(outcome: ReceiverOutcome): boolean {
  return outcome.signed && outcome.statusCode >= 400 && outcome.statusCode < 500;
}

/** Publishes `metric` on `[service]` (the alarm's total) and `[service, reason]` (the dashboard's). */
function publishByReason(metrics: ReceiverDependencies['metrics'], metric: string, reason: string): void {
  // The empty set is `[service]` alone (Powertools adds its default dimensions to every set).
  metrics.addDimensions({});
  metrics.addDimensions({ [REFUSAL_REASON_DIMENSION]: reason });
  metrics.addMetric(metric, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}

/**
 * Reports one finished request: exactly one log line (INFO when accepted, WARN when refused,
 * ERROR on a 5xx), exactly one EMF metrics line, and the optional `onOutcome` observer.
 *
 * A signed refusal's line carries `SignedDeliveryRefused` under two dimension sets: `[service]`,
 * the total the alarm watches (an alarm cannot SEARCH across reasons), and `[service, reason]`
 * with the outcome code, for the dashboard. Powertools applies every dimension set of a line to
 * every metric on it, so the outcome's own metric (`BadRequest`, ...) is left off that line rather
 * than doubled into a `reason` series of its own.
 *
 * Everything here is synchronous, so concurrent requests sharing one `Metrics` instance (the
 * local pipeline) never mix their dimensions.
 *
 * @example
 * ```ts
 * reportOutcome(deps, { statusCode: 200, code: 'enqueued', eventType: 'VEHICLE_STATE', enqueued: true, signed: true, route: 'data', bodyBytes: 512 }, { eventId });
 * ```
 */
export function reportOutcome(
  deps: Pick<ReceiverDependencies, 'logger' | 'metrics' | 'onOutcome'>,
  outcome: ReceiverOutcome,
  details: LogDetails = {},
): void {
  const line = {
    code: outcome.code,
    status: outcome.statusCode,
    route: outcome.route,
    eventType: outcome.eventType,
    eventId: outcome.eventId,
    bodyBytes: outcome.bodyBytes,
    ...details,
  };
  const quarantined = outcome.code === OUTCOME_CODE.QUARANTINED;
  if (outcome.statusCode >= 500) deps.logger.error('webhook', line);
  // The saved Logs Insights queries (docs/quarantine.md) match this message and its `reason`,
  // `deliveryId`, `eventId` and `bytes`; the body and the signature are never logged.
  else if (quarantined) deps.logger.warn(QUARANTINED_MESSAGE, { ...line, bytes: outcome.bodyBytes });
  else if (outcome.statusCode >= 400) deps.logger.warn('webhook', line);
  else deps.logger.info('webhook', line);

  const metric = OUTCOME_METRIC[outcome.code];
  if (quarantined) {
    publishByReason(deps.metrics, METRIC.QUARANTINED, String(details.reason ?? 'unknown'));
  } else if (isSignedRefusal(outcome)) {
    publishByReason(deps.metrics, METRIC.SIGNED_DELIVERY_REFUSED, outcome.code);
  } else if (metric) {
    if (outcome.code === OUTCOME_CODE.ENQUEUED && outcome.eventType) {
      deps.metrics.addDimension(EVENT_TYPE_DIMENSION, outcome.eventType);
    }
    deps.metrics.addMetric(metric, MetricUnit.Count, 1);
    deps.metrics.publishStoredMetrics();
  }

  try {
    deps.onOutcome?.(outcome);
  } catch (error) {
    deps.logger.warn('onOutcome observer threw', { error: (error as Error)?.name });
  }
}

/**
 * Reports how a request was decided ({@link reportOutcome} with the outcome the decision implies).
 * `request` is absent when the event could not even be read (a 500): the line then says route
 * `data` and 0 bytes.
 *
 * @example
 * ```ts
 * reportDecision(deps, decision, request, now() - startedAt);
 * ```
 */
export function reportDecision(
  deps: Pick<ReceiverDependencies, 'logger' | 'metrics' | 'onOutcome'>,
  decision: Decision,
  request: NormalizedRequest | undefined,
  durationMs: number,
): void {
  // Added right before reportOutcome publishes, with nothing awaited in between, so it lands
  // in this request's one EMF line (next to `EventReceived`) and never in a concurrent one's.
  if (decision.ageUnchecked) deps.metrics.addMetric(METRIC.DELIVERY_AGE_UNCHECKED, MetricUnit.Count, 1);
  reportOutcome(
    deps,
    {
      statusCode: OUTCOME_STATUS[decision.code],
      code: decision.code,
      eventType: decision.eventType,
      eventId: decision.eventId,
      enqueued: decision.code === OUTCOME_CODE.ENQUEUED,
      signed: decision.signed === true,
      route: request?.route ?? ROUTE_KIND.DATA,
      bodyBytes: request?.bodyBytes ?? 0,
    },
    { requestId: request?.requestId, durationMs, ...decision.details },
  );
}
