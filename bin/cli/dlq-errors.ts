import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import type { LocalErrorSummary } from '../../local/api/types.ts';
import { CliError } from './errors.ts';
import { fetchLocalDelivery } from './local-pipeline.ts';

/** The last error the processor recorded for an event. */
export interface LastError extends LocalErrorSummary {
  /** When it was logged (ISO), where the source says. */
  at?: string;
}

/**
 * Finds the last processing error of each eventId; ids without one are absent from the map.
 * `since` (epoch ms) bounds how far back a source may have to look.
 */
export type LastErrorLookup = (eventIds: readonly string[], since: number) => Promise<Map<string, LastError>>;

/**
 * The last errors the local pipeline knows (`GET /_local/deliveries/{eventId}`, its `lastError`).
 * An eventId the pipeline does not know (404) has none.
 *
 * @example
 * ```ts
 * const errors = await localLastErrors('http://127.0.0.1:3000')(['evt-1'], 0);
 * errors.get('evt-1')?.message; // 'boom'
 * ```
 */
export function localLastErrors(baseUrl: string): LastErrorLookup {
  return async (eventIds) => {
    const found = new Map<string, LastError>();
    await Promise.all(
      [...new Set(eventIds)].map(async (eventId) => {
        const lastError = (await fetchLocalDelivery(baseUrl, eventId))?.lastError;
        if (lastError) found.set(eventId, { name: lastError.name, message: lastError.message });
      }),
    );
    return found;
  };
}

/** CloudWatch Logs allows filter patterns up to 1,024 characters; a batch of ids stays well below. */
const IDS_PER_FILTER = 12;

/**
 * The last errors in the processor's log group: its `Event processing failed` lines (Powertools
 * JSON, `level` ERROR with the record's `eventId` and the `error`), found with `FilterLogEvents`
 * from `since` on. The latest line per eventId wins.
 *
 * @example
 * ```ts
 * const lookup = processorLogErrors(new CloudWatchLogsClient({}), '/aws/lambda/smartcar-processor-dev');
 * const errors = await lookup(['evt-1'], Date.now() - 86_400_000);
 * ```
 */
export function processorLogErrors(logs: CloudWatchLogsClient, logGroupName: string): LastErrorLookup {
  return async (eventIds, since) => {
    const found = new Map<string, LastError & { timestamp: number }>();
    const ids = [...new Set(eventIds)].filter((id) => id !== '-');
    for (let i = 0; i < ids.length; i += IDS_PER_FILTER) {
      const batch = ids.slice(i, i + IDS_PER_FILTER);
      let nextToken: string | undefined;
      do {
        const page = await logs
          .send(
            new FilterLogEventsCommand({
              logGroupName,
              startTime: since,
              filterPattern: errorLinesOf(batch),
              ...(nextToken ? { nextToken } : {}),
            }),
          )
          .catch((error: unknown) => {
            throw logsError(error, logGroupName);
          });
        for (const event of page.events ?? []) {
          const line = parseErrorLine(event.message);
          if (!line || !batch.includes(line.eventId)) continue;
          const timestamp = event.timestamp ?? 0;
          if ((found.get(line.eventId)?.timestamp ?? -1) > timestamp) continue;
          found.set(line.eventId, { ...line.error, at: new Date(timestamp).toISOString(), timestamp });
        }
        nextToken = page.nextToken;
      } while (nextToken);
    }
    return new Map([...found].map(([id, { timestamp: _timestamp, ...error }]) => [id, error]));
  };
}

/**
 * A JSON filter pattern matching the processor's ERROR lines for these eventIds.
 *
 * @example
 * ```ts
 * errorLinesOf(['a', 'b']); // '{ ($.level = "ERROR") && ($.eventId = "a" || $.eventId = "b") }'
 * ```
 */
export function errorLinesOf(eventIds: readonly string[]): string {
  return `{ ($.level = "ERROR") && (${eventIds.map((id) => `$.eventId = ${JSON.stringify(id)}`).join(' || ')}) }`;
}

function logsError(error: unknown, logGroupName: string): CliError {
  const { name, message } = error as Error;
  const why =
    name === 'ResourceNotFoundException'
      ? "it does not exist in this Region (is --region the stack's Region?)"
      : name === 'AccessDeniedException'
        ? 'access denied: your credentials need logs:FilterLogEvents on it'
        : message && message !== name
          ? `${name}: ${message}`
          : name;
  return new CliError(
    `Could not search the processor's log group ${logGroupName}: ${why}. Without --errors, list works as before.`,
    {
      cause: error,
    },
  );
}

function parseErrorLine(message: string | undefined): { eventId: string; error: LocalErrorSummary } | undefined {
  let line: { eventId?: unknown; error?: { name?: unknown; message?: unknown } };
  try {
    line = JSON.parse(message ?? '') as typeof line;
  } catch {
    return undefined;
  }
  if (typeof line.eventId !== 'string') return undefined;
  return {
    eventId: line.eventId,
    error: { name: String(line.error?.name ?? 'Error'), message: String(line.error?.message ?? '') },
  };
}

/**
 * DLQ entries with the last error `lookup` finds for each, searching from the oldest entry's
 * receipt (or the DLQ's retention, when a receipt time is unknown).
 *
 * @example
 * ```ts
 * const entries = await withLastErrors(await peekDlq(target, { max: 50 }), localLastErrors(url));
 * ```
 */
export async function withLastErrors<T extends { eventId: string; sentAt: string }>(
  entries: readonly T[],
  lookup: LastErrorLookup,
  now = Date.now(),
): Promise<Array<T & { lastError?: LastError }>> {
  if (entries.length === 0) return [];
  const retentionStart = now - PIPELINE_DEFAULTS.dlqRetentionDays * 86_400_000;
  const since = Math.min(
    ...entries.map((e) => (Number.isFinite(Date.parse(e.sentAt)) ? Date.parse(e.sentAt) : retentionStart)),
  );
  const errors = await lookup(
    entries.map((e) => e.eventId),
    since,
  );
  return entries.map((e) => {
    const lastError = errors.get(e.eventId);
    return lastError ? { ...e, lastError } : { ...e };
  });
}
