import { percentile } from '../../bin/cli/percentile.ts';
import { EVENT_TYPE_DIMENSION } from '../../lambda/core/constants.ts';
import { EMF_WIDGETS, type EmfSeries, type WidgetStatistic } from '../../lib/constructs/metric-widgets.ts';
import type { EmfDocument } from '../terminal-output.ts';

/** Width of one point of the console's charts. */
export const BUCKET_MS = 5_000;
/** Points kept per series: 15 minutes. */
export const BUCKETS = 180;

/** Series only the local pipeline has: on AWS the front door and SQS publish them. */
export const LOCAL_WIDGETS = [
  {
    title: "Requests, 4xx and 5xx (on AWS: the front door's metrics)",
    series: [
      { key: 'requests', label: 'requests', statistic: 'Sum' },
      { key: '4xx', label: '4xx', statistic: 'Sum' },
      { key: '5xx', label: '5xx', statistic: 'Sum' },
    ],
  },
  {
    title: 'Queue and DLQ depth (on AWS: SQS metrics)',
    series: [
      { key: 'queued', label: 'queue (visible + in flight)', statistic: 'Maximum' },
      { key: 'dlq', label: 'dead letters', statistic: 'Maximum' },
    ],
  },
] as const satisfies ReadonlyArray<{
  title: string;
  series: ReadonlyArray<{ key: string; label: string; statistic: WidgetStatistic }>;
}>;

/** What `GET /_local/metrics` answers: one time axis, then each graph's lines on it. */
export interface ChartData {
  bucketMs: number;
  /** Start of each point, epoch seconds (uPlot's x axis). */
  times: number[];
  widgets: { title: string; source: 'emf' | 'local'; series: { label: string; values: (number | null)[] }[] }[];
}

export interface MetricSeriesStore {
  /** One EMF document as the functions write it. */
  addEmf(document: EmfDocument): void;
  /** A local observation (`LOCAL_WIDGETS` keys). */
  addLocal(key: string, value: number, at?: number): void;
  charts(now?: number): ChartData;
}

/**
 * Keeps the last 15 minutes of every metric the functions publish (read from their EMF lines,
 * as CloudWatch does) in 5-second points, and lays them out as the dashboard's EMF graphs
 * (`EMF_WIDGETS`, shared with `lib/constructs/dashboard.ts`) plus the local stand-ins for AWS's
 * own metrics.
 *
 * @example
 * ```ts
 * const store = createMetricSeriesStore();
 * store.addEmf(JSON.parse(emfLine));
 * store.charts().widgets[0].title; // 'Deliveries received by type'
 * ```
 */
export function createMetricSeriesStore(): MetricSeriesStore {
  // series key -> bucket index -> values
  const series = new Map<string, Map<number, number[]>>();
  const eventTypes = new Map<string, Set<string>>();

  const add = (key: string, at: number, values: readonly number[]): void => {
    const bucket = Math.floor(at / BUCKET_MS);
    const buckets = series.get(key) ?? new Map<number, number[]>();
    series.set(key, buckets);
    buckets.set(bucket, [...(buckets.get(bucket) ?? []), ...values]);
    for (const old of buckets.keys()) if (old <= bucket - BUCKETS) buckets.delete(old);
  };

  return {
    addEmf(document) {
      const at = Number(document._aws.Timestamp) || Date.now();
      const service = String(document.service ?? '');
      for (const directive of document._aws.CloudWatchMetrics as Array<{
        Dimensions?: string[][];
        Metrics?: { Name: string }[];
      }>) {
        const byType = directive.Dimensions?.some((set) => set.includes(EVENT_TYPE_DIMENSION)) ?? false;
        const eventType = byType ? String(document[EVENT_TYPE_DIMENSION]) : '';
        for (const { Name } of directive.Metrics ?? []) {
          const raw = document[Name];
          const values = (Array.isArray(raw) ? raw : [raw]).map(Number).filter(Number.isFinite);
          const base = `${service}|${Name}`;
          if (eventType) eventTypes.set(base, (eventTypes.get(base) ?? new Set()).add(eventType));
          add(`${base}|${eventType}`, at, values);
        }
      }
    },
    addLocal(key, value, at = Date.now()) {
      add(`local|${key}`, at, [value]);
    },
    charts(now = Date.now()) {
      const last = Math.floor(now / BUCKET_MS);
      const buckets = Array.from({ length: BUCKETS }, (_, i) => last - BUCKETS + 1 + i);
      const line = (key: string, statistic: WidgetStatistic): (number | null)[] =>
        buckets.map((b) => {
          const values = series.get(key)?.get(b);
          return values?.length ? statisticOf(values, statistic) : statistic === 'Sum' ? 0 : null;
        });
      const emfLines = (s: EmfSeries) => {
        const base = `${s.service}|${s.metric}`;
        const types = s.byEventType ? [...(eventTypes.get(base) ?? [])].sort() : [''];
        return types.map((t) => ({
          label: t ? `${s.label} ${t}` : s.label,
          values: line(`${base}|${t}`, s.statistic),
        }));
      };
      return {
        bucketMs: BUCKET_MS,
        times: buckets.map((b) => (b * BUCKET_MS) / 1000),
        widgets: [
          ...Object.values(EMF_WIDGETS).map((w) => ({
            title: w.title,
            source: 'emf' as const,
            series: w.series.flatMap(emfLines),
          })),
          ...LOCAL_WIDGETS.map((w) => ({
            title: w.title,
            source: 'local' as const,
            series: w.series.map((s) => ({ label: s.label, values: line(`local|${s.key}`, s.statistic) })),
          })),
        ],
      };
    },
  };
}

/** A statistic over one period's values (percentiles: the project's one definition). */
function statisticOf(values: readonly number[], statistic: WidgetStatistic): number {
  if (statistic === 'Sum') return values.reduce((a, b) => a + b, 0);
  if (statistic === 'Maximum') return Math.max(...values);
  return percentile(values, statistic === 'p50' ? 0.5 : 0.99);
}
