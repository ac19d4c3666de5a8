import { Duration } from 'aws-cdk-lib';
import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { EVENT_TYPE_DIMENSION, SERVICE } from '../lambda/core/constants.ts';

/** A `service` dimension value: the receiver or the processor. */
export type ServiceName = (typeof SERVICE)[keyof typeof SERVICE];

/** Event types published as the `eventType` dimension of the "by type" metrics. */
export const EVENT_TYPES = ['VEHICLE_STATE', 'VEHICLE_ERROR'] as const;

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
  eventType: (typeof EVENT_TYPES)[number],
  options: MetricOptions = {},
): Metric {
  return serviceMetric(namespace, service, metricName, { label: `${metricName} ${eventType}`, ...options }, {
    [EVENT_TYPE_DIMENSION]: eventType,
  });
}
