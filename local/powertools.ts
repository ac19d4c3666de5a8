import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DEFAULT_METRICS_NAMESPACE } from '../lambda/core/constants.ts';
import type { EmfDocument } from './terminal-output.ts';

/**
 * A Powertools logger for a handler running locally. `POWERTOOLS_DEV=true` (set by `npm start`)
 * pretty-prints it; the level is explicit so tests can keep their output small.
 *
 * @example
 * ```ts
 * const logger = createLocalLogger('smartcar-receiver', 'WARN');
 * ```
 */
export function createLocalLogger(serviceName: string, logLevel: string): Logger {
  return new Logger({ serviceName, logLevel: logLevel.toUpperCase() as LogLevel });
}

/**
 * A Powertools metrics instance for a handler running locally. EMF lines mean nothing on a
 * terminal, so local mode turns printing them off process-wide (`POWERTOOLS_METRICS_DISABLED=true`,
 * which single-metric instances the handlers create also read) unless the variable is already
 * set; the handlers still call every metric API they call in AWS. With `onEmf`, each document a
 * publish would print is handed over instead (the console's charts read them).
 *
 * @example
 * ```ts
 * const metrics = createLocalMetrics('smartcar-receiver', (emf) => charts.addEmf(emf));
 * ```
 */
export function createLocalMetrics(serviceName: string, onEmf?: (emf: EmfDocument) => void): Metrics {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const options = { namespace: `${DEFAULT_METRICS_NAMESPACE}-local`, serviceName };
  return onEmf ? new CapturedMetrics(options, onEmf) : new Metrics(options);
}

type MetricsOptions = NonNullable<ConstructorParameters<typeof Metrics>[0]>;

/**
 * Metrics whose `publishStoredMetrics()` hands the EMF document to a callback instead of stdout,
 * single-metric instances (the processor's `EventProcessed` by type) included.
 */
class CapturedMetrics extends Metrics {
  readonly #options: MetricsOptions;
  readonly #onEmf: (emf: EmfDocument) => void;

  public constructor(options: MetricsOptions, onEmf: (emf: EmfDocument) => void) {
    super(options);
    this.#options = options;
    this.#onEmf = onEmf;
  }

  public override singleMetric(): Metrics {
    return new CapturedMetrics({ ...this.#options, singleMetric: true }, this.#onEmf);
  }

  public override publishStoredMetrics(): this {
    try {
      if (this.hasStoredMetrics()) this.#onEmf(this.serializeMetrics() as unknown as EmfDocument);
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
    return this;
  }
}
