import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

/**
 * Powertools' JSON line without the keys CloudWatch Logs already knows or that say nothing here:
 * `sampling_rate` (always 0, no debug sampling is configured), `xray_trace_id` (active tracing is
 * off, so no trace exists to look up) and the function's name, ARN and memory size (the log group
 * names the function). What stays is `level`, `message`, `timestamp`, `service`, the Lambda
 * request id when a context was added (`function_request_id`), then the line's own keys in the
 * order they were given. Each key dropped is bytes CloudWatch Logs ingests on every event.
 *
 * @example
 * ```ts
 * const logger = new Logger({ serviceName: 'smartcar-receiver', logFormatter: new CompactLogFormatter() });
 * logger.info('webhook', { code: 'enqueued' });
 * // {"level":"INFO","message":"webhook","timestamp":"...","service":"smartcar-receiver","code":"enqueued"}
 * ```
 */
export class CompactLogFormatter extends LogFormatter {
  public formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        function_request_id: attributes.lambdaContext?.awsRequestId,
      },
    }).addAttributes(additionalLogAttributes);
  }
}
