import { Aws, Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  AlarmWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  type IWidget,
  MathExpression,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { METRIC, REFUSAL_REASON_DIMENSION, SERVICE } from '../../lambda/core/constants.ts';
import { eventTypeMetric, serviceMetric } from '../metrics.ts';
import type { MonitoredResources } from '../types.ts';
import { EMF_WIDGETS, type EmfSeries, type EmfWidget } from './metric-widgets.ts';

/** Properties of {@link WebhookDashboard}. */
export interface WebhookDashboardProps extends MonitoredResources {
  /** Name of the dashboard (unique per account and Region). */
  readonly dashboardName: string;
  /** Alarms shown in the alarm status widget. */
  readonly alarms: IAlarm[];
  /**
   * Alarms each drawn as a graph of their metric against their threshold, at the bottom (the
   * alarms on silent drops, whose metrics have no graph of their own).
   * @default []
   */
  readonly alarmGraphs?: IAlarm[];
  /**
   * Period of every graph.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
}

/**
 * One CloudWatch dashboard for the whole pipeline, top to bottom in the order an event
 * travels: alarm status, deliveries by type, API, receiver, signed refusals by reason, queue and
 * DLQ, processor, duplicates and stale signals, delivery lag; then one graph per alarm in
 * `alarmGraphs`, three to a row.
 *
 * @example
 * ```ts
 * new WebhookDashboard(this, 'Dashboard', { dashboardName: 'SmartcarWebhooks-dev', ... });
 * ```
 */
export class WebhookDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: Dashboard;
  /** Console URL of the dashboard. */
  public readonly url: string;

  public constructor(scope: Construct, id: string, props: WebhookDashboardProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(1);
    const ns = props.metricsNamespace;
    // The graphs of the functions' EMF metrics come from one definition the local console shares.
    const emfMetrics = (series: EmfSeries): IMetric[] =>
      series.byEventType
        ? props.eventTypes.map((t) =>
            eventTypeMetric(ns, series.service, series.metric, t, { period, statistic: series.statistic }),
          )
        : [
            serviceMetric(ns, series.service, series.metric, {
              period,
              statistic: series.statistic,
              label: series.label,
            }),
          ];
    const emfGraph = (widget: EmfWidget, first: IMetric[] = []) =>
      graph(widget.title, [...first, ...widget.series.flatMap(emfMetrics)], widget.width);

    const widgets: IWidget[][] = [
      [new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 4 })],
      [emfGraph(EMF_WIDGETS.RECEIVED_BY_TYPE), emfGraph(EMF_WIDGETS.PROCESSED_BY_TYPE)],
      [
        graph(`Front door (${props.frontDoor.kind}) latency (ms)`, [
          props.frontDoor.metricLatency({ statistic: 'p50', period, label: 'p50' }),
          props.frontDoor.metricLatency({ statistic: 'p99', period, label: 'p99' }),
        ]),
        graph(`Front door (${props.frontDoor.kind}) requests, 4xx and 5xx`, [
          props.frontDoor.metricRequests({ period, label: 'requests' }),
          props.frontDoor.metricClientErrors({ period, label: '4xx' }),
          props.frontDoor.metricServerErrors({ period, label: '5xx' }),
        ]),
      ],
      [
        graph('Receiver duration (ms)', durations(props.receiver, period), 8),
        graph(
          'Receiver errors and throttles',
          [
            props.receiver.metricErrors({ period, label: 'errors' }),
            props.receiver.metricThrottles({ period, label: 'throttles' }),
          ],
          8,
        ),
        emfGraph(EMF_WIDGETS.RECEIVER_OUTCOMES),
      ],
      [
        graph(
          'Signed deliveries refused, by reason (outcome code)',
          byReason(ns, METRIC.SIGNED_DELIVERY_REFUSED, period),
          12,
        ),
        graph(
          'Signed deliveries quarantined, by reason (docs/quarantine.md)',
          byReason(ns, METRIC.QUARANTINED, period),
          12,
        ),
      ],
      [
        graph(
          'Queue depth',
          [
            props.queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'visible' }),
            props.queue.metricApproximateNumberOfMessagesNotVisible({
              period,
              statistic: 'Maximum',
              label: 'in flight',
            }),
          ],
          8,
        ),
        graph(
          'Queue oldest message age (s)',
          [props.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum', label: 'oldest' })],
          8,
        ),
        graph(
          'DLQ depth',
          [
            props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
              period,
              statistic: 'Maximum',
              label: 'dead letters',
            }),
          ],
          8,
        ),
      ],
      [
        graph('Processor duration (ms)', durations(props.processor, period), 8),
        emfGraph(EMF_WIDGETS.PROCESSOR_FAILURES, [
          props.processor.metricErrors({ period, label: 'errors' }),
          props.processor.metricThrottles({ period, label: 'throttles' }),
        ]),
        emfGraph(EMF_WIDGETS.DUPLICATES_AND_STALE),
      ],
      [emfGraph(EMF_WIDGETS.DELIVERY_LAG)],
      ...rowsOf(
        3,
        (props.alarmGraphs ?? []).map(
          (alarm) =>
            new AlarmWidget({ title: `${alarm.node.id}: metric and alarm threshold`, alarm, width: 8, height: 6 }),
        ),
      ),
    ];

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      widgets,
    });
    this.url = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${props.dashboardName}`;
  }
}

function graph(title: string, left: IMetric[], width = 12): GraphWidget {
  return new GraphWidget({ title, left, width, height: 6 });
}

function durations(fn: IFunction, period: Duration) {
  return ['p50', 'p99', 'Maximum'].map((statistic) => fn.metricDuration({ statistic, period, label: statistic }));
}

function rowsOf<T>(size: number, items: readonly T[]): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += size) rows.push(items.slice(i, i + size));
  return rows;
}

/** A receiver metric published by reason: its total and, by SEARCH, one line per reason. */
function byReason(ns: string, metric: string, period: Duration): IMetric[] {
  return [
    serviceMetric(ns, SERVICE.RECEIVER, metric, { period, label: 'total' }),
    // A dashboard can SEARCH (an alarm cannot): a reason added later shows up by itself.
    new MathExpression({
      expression: `SEARCH('{"${ns}",${REFUSAL_REASON_DIMENSION},service} MetricName="${metric}" service="${SERVICE.RECEIVER}"', 'Sum', ${period.toSeconds()})`,
      usingMetrics: {},
      period,
      label: '',
    }),
  ];
}
