import { startAwsJsonStub } from './aws-json-stub.ts';

/** One stored log line. */
export interface StubLogEvent {
  timestamp: number;
  message: string;
}

/** A FilterLogEvents request as the stub received it. */
export interface FilterRequest {
  logGroupName?: string;
  filterPattern?: string;
  startTime?: number;
  nextToken?: string;
}

/** A loopback stand-in for CloudWatch Logs' FilterLogEvents. */
export interface CloudWatchLogsStub {
  /** `http://127.0.0.1:<port>`, to use as the client's endpoint. */
  readonly url: string;
  /** Every FilterLogEvents request, in order. */
  readonly requests: FilterRequest[];
  close(): Promise<void>;
}

/**
 * Starts a CloudWatch Logs stub on 127.0.0.1 speaking the service's JSON protocol
 * (`X-Amz-Target: Logs_20140328.FilterLogEvents`), so a real `CloudWatchLogsClient` talks to it.
 * It understands the one filter pattern shape `dlq list --errors` sends (`$.level = "ERROR"` and
 * `$.eventId = "..."` alternatives) by reading each stored line as JSON, honours `startTime`, and
 * answers `pageSize` events a page with a `nextToken`. An unknown log group gets
 * ResourceNotFoundException, as CloudWatch Logs answers.
 *
 * @example
 * ```ts
 * const stub = await startCloudWatchLogsStub({ '/aws/lambda/processor': [{ timestamp: 1, message: '{"level":"ERROR"}' }] });
 * const logs = new CloudWatchLogsClient({ endpoint: stub.url, region: 'us-east-1', credentials });
 * ```
 */
export async function startCloudWatchLogsStub(
  groups: Record<string, StubLogEvent[]>,
  options: { pageSize?: number } = {},
): Promise<CloudWatchLogsStub> {
  const pageSize = options.pageSize ?? 50;
  const requests: FilterRequest[] = [];
  const failure = (errorType: string, message: string) => ({
    status: 400,
    body: { __type: errorType, message },
    errorType,
  });
  const { server, url } = await startAwsJsonStub((target, body) => {
    if (target !== 'Logs_20140328.FilterLogEvents') return failure('InvalidParameterException', 'unsupported');
    const input = body as FilterRequest;
    requests.push(input);
    const events = groups[input.logGroupName ?? ''];
    if (!events) return failure('ResourceNotFoundException', 'The specified log group does not exist.');
    const ids = [...(input.filterPattern ?? '').matchAll(/\$\.eventId = "([^"]+)"/g)].map((m) => m[1]);
    const matching = events.filter((event) => {
      const line = JSON.parse(event.message) as { level?: string; eventId?: string };
      return event.timestamp >= (input.startTime ?? 0) && line.level === 'ERROR' && ids.includes(line.eventId);
    });
    const offset = Number(input.nextToken ?? 0);
    const more = offset + pageSize < matching.length;
    return {
      status: 200,
      body: {
        events: matching
          .slice(offset, offset + pageSize)
          .map((event, i) => ({ ...event, logStreamName: 'stream', eventId: String(offset + i) })),
        ...(more ? { nextToken: String(offset + pageSize) } : {}),
      },
    };
  });
  return {
    url,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
