import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { EVENT_TYPE_DIMENSION, METRIC, SIGNAL_CODE_DIMENSION } from '../core/constants.ts';
import type { ProcessorOutcome } from './types.ts';

type CountedMetric =
  | typeof METRIC.DUPLICATE_EVENT
  | typeof METRIC.STALE_SIGNAL
  | typeof METRIC.FUTURE_SIGNAL
  | typeof METRIC.SIGNAL_SHAPE_MISMATCH
  | typeof METRIC.HANDLER_FAILED
  | typeof METRIC.FINAL_ATTEMPT_FAILED
  | typeof METRIC.UNKNOWN_EVENT_TYPE
  | typeof METRIC.LEGACY_PAYLOAD
  | typeof METRIC.MALFORMED_RECORD
  | typeof METRIC.EVENT_ARCHIVED
  | typeof METRIC.ARCHIVE_FAILED
  | typeof METRIC.EVENT_REPLAYED;

/**
 * Counts one batch, then publishes it as few EMF lines as possible: one line per event type for
 * `EventProcessed` (dimensions `[service, eventType]`) and one line for everything else
 * (`[service]`). Per-record metric lines would cost a CloudWatch Logs write each.
 *
 * @example
 * ```ts
 * const tally = new BatchTally();
 * tally.processed('VEHICLE_STATE');
 * tally.publish(metrics);
 * ```
 */
export class BatchTally {
  readonly #processedByType = new Map<string, number>();
  readonly #counts = new Map<CountedMetric, number>();
  readonly #shapeMismatches = new Map<string, number>();
  readonly #deliveryLags: number[] = [];
  readonly #outcomes = { processed: 0, duplicate: 0, ignored: 0, failed: 0 };
  #slowest: { eventType: string; eventId: string; ms: number } | undefined;

  /** The business handler ran and succeeded. */
  public processed(eventType: string): void {
    this.#processedByType.set(eventType, (this.#processedByType.get(eventType) ?? 0) + 1);
  }

  public count(metric: CountedMetric, value = 1): void {
    if (value > 0) this.#counts.set(metric, (this.#counts.get(metric) ?? 0) + value);
  }

  /** A signal body without its documented shape: counted in total and by signal code. */
  public signalShapeMismatch(code: string): void {
    this.count(METRIC.SIGNAL_SHAPE_MISMATCH);
    this.#shapeMismatches.set(code, (this.#shapeMismatches.get(code) ?? 0) + 1);
  }

  /** Processing time minus `meta.deliveredAt`, ms. */
  public deliveryLag(ms: number): void {
    this.#deliveryLags.push(Math.max(0, ms));
  }

  /** Counts a record's final outcome for the batch summary log line. */
  public outcome(outcome: ProcessorOutcome['outcome']): void {
    this.#outcomes[outcome]++;
  }

  /** How long one business handler ran, ms: the batch's slowest is named on its summary line. */
  public handlerTime(eventType: string, eventId: string, ms: number): void {
    if (!this.#slowest || ms > this.#slowest.ms) this.#slowest = { eventType, eventId, ms };
  }

  /**
   * Totals for the one INFO line per batch, with the slowest handler run (`slowestHandlerMs`,
   * its `slowestHandlerEventType` and `slowestHandlerEventId`) when a handler ran: the saved
   * query "slowest handlers" reads them, with no line per event.
   */
  public summary(): Record<string, number | string> {
    return {
      ...this.#outcomes,
      staleSignals: this.#counts.get(METRIC.STALE_SIGNAL) ?? 0,
      ...(this.#slowest
        ? {
            slowestHandlerMs: Math.round(this.#slowest.ms),
            slowestHandlerEventType: this.#slowest.eventType,
            slowestHandlerEventId: this.#slowest.eventId,
          }
        : {}),
    };
  }

  /** Writes the batch's metrics to stdout as EMF; nothing when the batch produced none. */
  public publish(metrics: Metrics): void {
    for (const [eventType, value] of this.#processedByType) {
      const single = metrics.singleMetric();
      single.addDimension(EVENT_TYPE_DIMENSION, eventType);
      single.addMetric(METRIC.EVENT_PROCESSED, MetricUnit.Count, value);
    }
    // The total rides on the `[service]` line below; one line per code says which signals drift
    // (bounded: only codes of the catalogue can mismatch).
    for (const [code, value] of this.#shapeMismatches) {
      const single = metrics.singleMetric();
      single.addDimension(SIGNAL_CODE_DIMENSION, code);
      single.addMetric(METRIC.SIGNAL_SHAPE_MISMATCH, MetricUnit.Count, value);
    }
    for (const [name, value] of this.#counts) metrics.addMetric(name, MetricUnit.Count, value);
    for (const lag of this.#deliveryLags) metrics.addMetric(METRIC.DELIVERY_LAG, MetricUnit.Milliseconds, lag);
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
