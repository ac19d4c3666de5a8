import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EVENT_TYPE_DIMENSION, METRIC, REFUSAL_REASON_DIMENSION } from '../core/constants.ts';
import { OUTCOME_CODE } from './constants.ts';
import type { OutcomeCode, ReceiverDependencies, ReceiverOutcome } from './types.ts';

/**
 * The one metric each outcome counts; `internal_error` counts none (the API 5xx alarm sees it).
 * A 4xx after a valid signature counts `SignedDeliveryRefused` instead (see {@link reportOutcome}).
 */
const OUTCOME_METRIC: Readonly<Record<OutcomeCode, string | undefined>> = {
  [OUTCOME_CODE.ENQUEUED]: METRIC.EVENT_RECEIVED,
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
  [OUTCOME_CODE.INTERNAL_ERROR]: undefined,
};

/**
 * Extra, safe fields for the request's log line: ids, sizes, hashes and error names. Never the
 * AMT, a signature, or the body.
 */
export type LogDetails = Record<string, string | number | boolean | string[] | undefined>;

/**
 * True for a 4xx answered to a request whose signature matched: Smartcar sent it, and it will be
 * refused again on each of Smartcar's retries. Generic over the outcome code, so a 4xx code added
 * later is counted with no change here.
 */
function isSignedRefusal(outcome: ReceiverOutcome): boolean {
  return outcome.signed && outcome.statusCode >= 400 && outcome.statusCode < 500;
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
  if (outcome.statusCode >= 500) deps.logger.error('webhook', line);
  else if (outcome.statusCode >= 400) deps.logger.warn('webhook', line);
  else deps.logger.info('webhook', line);

  const metric = OUTCOME_METRIC[outcome.code];
  if (isSignedRefusal(outcome)) {
    // The empty set is `[service]` alone (Powertools adds its default dimensions to every set).
    deps.metrics.addDimensions({});
    deps.metrics.addDimensions({ [REFUSAL_REASON_DIMENSION]: outcome.code });
    deps.metrics.addMetric(METRIC.SIGNED_DELIVERY_REFUSED, MetricUnit.Count, 1);
    deps.metrics.publishStoredMetrics();
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
