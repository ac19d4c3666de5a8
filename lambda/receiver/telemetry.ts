import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EVENT_TYPE_DIMENSION, METRIC } from '../core/constants.ts';
import { OUTCOME_CODE } from './constants.ts';
import type { OutcomeCode, ReceiverDependencies, ReceiverOutcome } from './types.ts';

/** The one metric each outcome counts; `internal_error` counts none (the API 5xx alarm sees it). */
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
  [OUTCOME_CODE.STALE_DELIVERY]: METRIC.STALE_DELIVERY,
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
 * Reports one finished request: exactly one log line (INFO when accepted, WARN when refused,
 * ERROR on a 5xx), exactly one EMF metrics line, and the optional `onOutcome` observer.
 *
 * Everything here is synchronous, so concurrent requests sharing one `Metrics` instance (the
 * local pipeline) never mix their dimensions.
 *
 * @example
 * ```ts
 * reportOutcome(deps, { statusCode: 200, code: 'enqueued', eventType: 'VEHICLE_STATE', enqueued: true, route: 'data', bodyBytes: 512 }, { eventId });
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
  if (metric) {
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
