import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { EVENT_TYPE_DIMENSION, METRIC, SERVICE } from '../lambda/core/constants.ts';
import { EVENT_TYPES } from '../lambda/core/event-types.ts';
import { HANDLER_FAILURE_ALARM_PERIOD_MINUTES, VEHICLE_ERROR_ALARM_PERIOD_MINUTES } from './alarm-defaults.ts';

/** A `service` dimension value: the receiver or the processor. */
export type ServiceName = (typeof SERVICE)[keyof typeof SERVICE];

/** Name of the service dimension Powertools Metrics adds to every metric. */
const SERVICE_DIMENSION = 'service';

/**
 * A custom EMF metric published with the `[service]` dimension set (plus `extraDimensions`, if
 * any), as a 5-minute sum unless `options` says otherwise.
 *
 * @example
 * ```ts
 * serviceMetric('SmartcarWebhooks/dev', SERVICE.RECEIVER, METRIC.SIGNATURE_INVALID);
 * ```
 */
export function serviceMetric(
  namespace: string,
  service: ServiceName,
  metricName: string,
  options: MetricOptions = {},
  extraDimensions: Record<string, string> = {},
): Metric {
  return new Metric({
    namespace,
    metricName,
    statistic: 'Sum',
    period: Duration.minutes(5),
    ...options,
    dimensionsMap: { [SERVICE_DIMENSION]: service, ...extraDimensions },
  });
}

/**
 * A "by type" custom metric, published with the `[service, eventType]` dimension set.
 *
 * @example
 * ```ts
 * eventTypeMetric('SmartcarWebhooks/dev', SERVICE.RECEIVER, METRIC.EVENT_RECEIVED, 'VEHICLE_STATE');
 * ```
 */
export function eventTypeMetric(
  namespace: string,
  service: ServiceName,
  metricName: string,
  eventType: string,
  options: MetricOptions = {},
): Metric {
  return serviceMetric(
    namespace,
    service,
    metricName,
    { label: `${metricName} ${eventType}`, ...options },
    {
      [EVENT_TYPE_DIMENSION]: eventType,
    },
  );
}

/**
 * VEHICLE_ERROR deliveries as a share of all data deliveries (the receiver's `EventReceived` of
 * every type of `eventTypes`, the construct's checked prop) per hour, or 0 below `minEvents` so
 * a quiet night's single error never pages. Received, not processed: it measures what Smartcar
 * sends, whatever the processor's health. FILL makes a type that sent nothing count as 0 instead
 * of blanking the whole expression.
 *
 * @example
 * ```ts
 * vehicleErrorShare('SmartcarWebhooks/dev', 100, EVENT_TYPES); // IF(total >= 100, errors / total, 0)
 * ```
 */
export function vehicleErrorShare(namespace: string, minEvents: number, eventTypes: readonly string[]): MathExpression {
  const period = Duration.minutes(VEHICLE_ERROR_ALARM_PERIOD_MINUTES);
  const received = Object.fromEntries(
    eventTypes.map((eventType) => [
      shareMetricId(eventType),
      eventTypeMetric(namespace, SERVICE.RECEIVER, METRIC.EVENT_RECEIVED, eventType, { period }),
    ]),
  );
  const total = Object.keys(received)
    .map((id) => `FILL(${id}, 0)`)
    .join(' + ');
  const errors = shareMetricId('VEHICLE_ERROR');
  return new MathExpression({
    // At least one event, so the division is always defined.
    expression: `IF(${total} >= ${Math.max(1, minEvents)}, FILL(${errors}, 0) / (${total}), 0)`,
    usingMetrics: received,
    period,
    label: 'VEHICLE_ERROR share of events',
  });
}

/**
 * Failed handler attempts as a share of all handler attempts per
 * `HANDLER_FAILURE_ALARM_PERIOD_MINUTES`: the processor's `HandlerFailed` over `HandlerFailed`
 * plus `EventProcessed` of every type of `eventTypes` (each retry is an attempt of its own), or 0
 * below `minAttempts` so a single failure on a quiet night never pages. FILL makes a series that
 * had no datapoint count as 0 instead of blanking the expression.
 *
 * @example
 * ```ts
 * handlerFailureRate('SmartcarWebhooks/dev', 20, EVENT_TYPES); // IF(attempts >= 20, failed / attempts, 0)
 * ```
 */
export function handlerFailureRate(
  namespace: string,
  minAttempts: number,
  eventTypes: readonly string[],
): MathExpression {
  const period = Duration.minutes(HANDLER_FAILURE_ALARM_PERIOD_MINUTES);
  const processed = Object.fromEntries(
    eventTypes.map((eventType) => [
      shareMetricId(eventType),
      eventTypeMetric(namespace, SERVICE.PROCESSOR, METRIC.EVENT_PROCESSED, eventType, { period }),
    ]),
  );
  const failed = 'failed';
  const attempts = [failed, ...Object.keys(processed)].map((id) => `FILL(${id}, 0)`).join(' + ');
  return new MathExpression({
    // At least one attempt, so the division is always defined.
    expression: `IF(${attempts} >= ${Math.max(1, minAttempts)}, FILL(${failed}, 0) / (${attempts}), 0)`,
    usingMetrics: {
      ...processed,
      [failed]: serviceMetric(namespace, SERVICE.PROCESSOR, METRIC.HANDLER_FAILED, { period }),
    },
    period,
    label: 'Failed share of handler attempts',
  });
}

/** The built-in types, whose metric ids below are kept as deployed. */
const BUILT_IN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * The id of an event type's metric in {@link vehicleErrorShare} and {@link handlerFailureRate}: `errors` for VEHICLE_ERROR,
 * a type of `EVENT_TYPES` in camel case without `VEHICLE_` (`VEHICLE_STATE` is `state`), any
 * other type `type_` and its name in lower case (`EXAMPLE_EVENT` is `type_example_event`): an
 * id that starts with a lower-case letter, as metric math wants, and can match no other type's
 * (`VEHICLE_ERRORS` would otherwise be `errors` too).
 */
function shareMetricId(eventType: string): string {
  if (eventType === 'VEHICLE_ERROR') return 'errors';
  if (!BUILT_IN_TYPES.has(eventType)) return `type_${eventType.toLowerCase()}`;
  return eventType
    .replace(/^VEHICLE_/, '')
    .toLowerCase()
    .replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}
