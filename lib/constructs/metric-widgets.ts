import { METRIC, SERVICE } from '../../lambda/core/constants.ts';

/**
 * The dashboard graphs drawn from the functions' own EMF metrics, defined once: the CloudWatch
 * dashboard (`lib/constructs/dashboard.ts`) builds its graphs from them, and the local console
 * (`npm start`, Pipeline tab) draws the same series from the same EMF lines. Graphs of AWS's own
 * metrics (front door, Lambda, SQS) stay in the dashboard; locally their stand-ins are the HTTP
 * server's answers and the emulator's queue depths.
 */

/** A statistic both CloudWatch and the console compute per period. */
export type WidgetStatistic = 'Sum' | 'p50' | 'p99' | 'Maximum';

/** One line of a graph: a metric of one service, under the `[service]` dimension set. */
export interface EmfSeries {
  service: (typeof SERVICE)[keyof typeof SERVICE];
  metric: string;
  statistic: WidgetStatistic;
  /** Legend text; with `byEventType`, the event type is appended. */
  label: string;
  /** One line per event type, under the `[service, eventType]` dimension set instead. */
  byEventType?: true;
}

/** One graph. */
export interface EmfWidget {
  title: string;
  /** Dashboard grid width (of 24). */
  width: 8 | 12 | 24;
  series: readonly EmfSeries[];
}

const receiver = (metric: string): EmfSeries => ({
  service: SERVICE.RECEIVER,
  metric,
  statistic: 'Sum',
  label: metric,
});
const processor = (metric: string, statistic: WidgetStatistic = 'Sum'): EmfSeries => ({
  service: SERVICE.PROCESSOR,
  metric,
  statistic,
  label: `${metric} ${statistic}`,
});

/**
 * The EMF graphs, by the place they take on the dashboard.
 *
 * @example
 * ```ts
 * const { title, series } = EMF_WIDGETS.DELIVERY_LAG; // 'Delivery lag (ms): …', p50 / p99 / Maximum
 * ```
 */
export const EMF_WIDGETS = {
  RECEIVED_BY_TYPE: {
    title: 'Deliveries received by type',
    width: 12,
    series: [
      {
        service: SERVICE.RECEIVER,
        metric: METRIC.EVENT_RECEIVED,
        statistic: 'Sum',
        label: METRIC.EVENT_RECEIVED,
        byEventType: true,
      },
    ],
  },
  PROCESSED_BY_TYPE: {
    title: 'Events processed by type',
    width: 12,
    series: [
      {
        service: SERVICE.PROCESSOR,
        metric: METRIC.EVENT_PROCESSED,
        statistic: 'Sum',
        label: METRIC.EVENT_PROCESSED,
        byEventType: true,
      },
    ],
  },
  RECEIVER_OUTCOMES: {
    title: 'Receiver outcomes',
    width: 8,
    series: [
      METRIC.SIGNATURE_INVALID,
      METRIC.ENQUEUE_FAILED,
      METRIC.SECRET_UNAVAILABLE,
      METRIC.BAD_REQUEST,
      METRIC.PAYLOAD_TOO_LARGE,
      METRIC.VERIFY_ANSWERED,
      METRIC.VERIFY_REFUSED,
      METRIC.SIGNED_DELIVERY_REFUSED,
      METRIC.QUARANTINED,
      METRIC.QUARANTINE_FAILED,
    ].map(receiver),
  },
  /** Drawn with the processor function's errors and throttles on the dashboard. */
  PROCESSOR_FAILURES: {
    title: 'Processor errors and throttles',
    width: 8,
    series: [processor(METRIC.HANDLER_FAILED), processor(METRIC.FINAL_ATTEMPT_FAILED)],
  },
  DUPLICATES_AND_STALE: {
    title: 'Duplicates, stale and future signals',
    width: 8,
    series: [
      METRIC.DUPLICATE_EVENT,
      METRIC.STALE_SIGNAL,
      METRIC.FUTURE_SIGNAL,
      METRIC.SIGNAL_SHAPE_MISMATCH,
      METRIC.UNKNOWN_EVENT_TYPE,
      METRIC.MALFORMED_RECORD,
    ].map((m) => processor(m)),
  },
  DELIVERY_LAG: {
    title: 'Delivery lag (ms): processing time minus Smartcar deliveredAt',
    width: 24,
    series: (['p50', 'p99', 'Maximum'] as const).map((statistic) => processor(METRIC.DELIVERY_LAG, statistic)),
  },
} as const satisfies Record<string, EmfWidget>;
