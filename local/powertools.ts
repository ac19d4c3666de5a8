import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DEFAULT_METRICS_NAMESPACE } from '../lambda/shared/constants.ts';

type LogLevel = NonNullable<ConstructorParameters<typeof Logger>[0]>['logLevel'];

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
 * A Powertools metrics instance for a handler running locally. EMF lines mean nothing without
 * CloudWatch, so publishing is off unless `publish` is true (the handlers still call every
 * metric API they call in AWS).
 *
 * @example
 * ```ts
 * const metrics = createLocalMetrics('smartcar-processor');
 * ```
 */
export function createLocalMetrics(serviceName: string, publish = false): Metrics {
  // Metrics reads POWERTOOLS_METRICS_DISABLED once, in its constructor.
  const previous = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = String(!publish);
  try {
    return new Metrics({ namespace: `${DEFAULT_METRICS_NAMESPACE}-local`, serviceName });
  } finally {
    if (previous === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = previous;
  }
}
