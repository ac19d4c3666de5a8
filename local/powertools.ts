import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DEFAULT_METRICS_NAMESPACE } from '../lambda/core/constants.ts';

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
 * CloudWatch, so local mode turns publishing off process-wide (`POWERTOOLS_METRICS_DISABLED=true`,
 * which single-metric instances the handlers create also read) unless the variable is already
 * set; the handlers still call every metric API they call in AWS.
 *
 * @example
 * ```ts
 * const metrics = createLocalMetrics('smartcar-processor');
 * ```
 */
export function createLocalMetrics(serviceName: string): Metrics {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  return new Metrics({ namespace: `${DEFAULT_METRICS_NAMESPACE}-local`, serviceName });
}
