import { shortVehicleId } from '../lambda/core/vehicle-id.ts';
import type { LocalDelivery } from './api/types.ts';
import type { ReloadReport } from './processor-host/hot-processor.ts';
import type { LocalRecordOutcome } from './processor-host/types.ts';

/** An EMF line's metric document, as CloudWatch reads it. */
export type EmfDocument = Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: unknown[] } };

/** Keys every Powertools log line carries; the compact form leaves them out. */
const STANDARD_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'eventId',
  'eventType',
  'vehicle',
]);

/** The key the processor's handler logger carries (the vehicle id shortened): a business handler's line. */
const HANDLER_KEY = 'vehicle';

/** A vehicle id as the terminal shows it: the processor's own shortening (`shortVehicleId`). */
function shortVehicle(vehicleId: string | undefined): string {
  return vehicleId ? shortVehicleId(vehicleId) : '-';
}

/**
 * One line per request on a webhook route, e.g.
 * `→ 200 enqueued       VEHICLE_STATE  evt-1  vehicle 36ab27d0…  4 ms`.
 *
 * @example
 * ```ts
 * write(formatDeliveryLine(delivery));
 * ```
 */
export function formatDeliveryLine(delivery: LocalDelivery): string {
  const route = delivery.path.endsWith('/errors') ? ' (error route)' : '';
  return `→ ${delivery.statusCode} ${(delivery.code ?? '-').padEnd(18)} ${(delivery.eventType ?? '-').padEnd(14)} ${delivery.eventId ?? '-'}  vehicle ${shortVehicle(delivery.vehicleId)}  ${delivery.latencyMs} ms${route}\n`;
}

/**
 * One line per record the processor finished, e.g.
 * `  ✓ processed  VEHICLE_STATE  evt-1  vehicle 36ab27d0…  12 ms`; a failure carries its error.
 *
 * @example
 * ```ts
 * write(formatRecordLine(outcome));
 * ```
 */
export function formatRecordLine(outcome: LocalRecordOutcome, maxReceiveCount: number): string {
  const mark = outcome.outcome === 'failed' ? '✗' : outcome.outcome === 'processed' ? '✓' : '·';
  const stale = outcome.staleSignals ? `  ${outcome.staleSignals} stale signal(s) skipped` : '';
  const base = `  ${mark} ${outcome.outcome.padEnd(10)} ${(outcome.eventType ?? '-').padEnd(14)} ${outcome.eventId ?? '-'}  vehicle ${shortVehicle(outcome.vehicleId)}  ${outcome.ms} ms${stale}`;
  if (outcome.outcome !== 'failed') return `${base}\n`;
  const next = outcome.finalAttempt ? 'now in the DLQ' : `SQS retries it`;
  const error = outcome.error ? `${outcome.error.name}: ${outcome.error.message}` : 'unknown error';
  return `${base}  attempt ${outcome.attempt}/${maxReceiveCount}, ${next}: ${error}\n`;
}

/**
 * The line a reload attempt prints: which file changed and how long the reload took, or the
 * load error in full (the previous code keeps running).
 *
 * @example
 * ```ts
 * write(formatReload({ ok: true, file: 'lambda/processor/handlers/vehicle-state.ts', ms: 420, generation: 2, eventTypes }));
 * ```
 */
export function formatReload(report: ReloadReport): string {
  const what = report.file.startsWith('(') ? report.file : `${report.file} changed`;
  // The shared core is the receiver's too, and the receiver is not reloaded.
  const core = report.file.includes('lambda/core/')
    ? '; the receiver keeps the code it started with until a restart'
    : '';
  return report.ok
    ? `[reload] ${what}: processor reloaded in ${report.ms} ms (generation ${report.generation}; queues untouched${core})\n`
    : `[reload] ${what}, but the processor failed to load; the previous code keeps running:\n${report.error.stack ?? report.error.message}\n`;
}

/**
 * Sorts the processor's output lines (JSON logs and EMF, one per line, as in Lambda): EMF goes
 * to `onEmf` (and is printed only when verbose); by default a WARN or ERROR entry is printed in
 * full and a business handler's own entry (it carries `vehicle`) compactly, the rest (batch
 * summaries) is left to the per-record lines; `verbose` prints every entry in full.
 *
 * @example
 * ```ts
 * const onLine = createProcessorLineSorter({ verbose: false, write, onEmf: metrics.add });
 * onLine('{"level":"INFO","message":"Vehicle state stored","vehicle":"36ab27d0…","applied":3}'); // '    ↳ INFO Vehicle state stored {"applied":3}'
 * ```
 */
export function createProcessorLineSorter(options: {
  verbose: boolean;
  write: (text: string) => void;
  onEmf: (emf: EmfDocument) => void;
}): (line: string) => void {
  return (line) => {
    let entry: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = line.startsWith('{') ? JSON.parse(line) : undefined;
      if (parsed && typeof parsed === 'object') entry = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: a console.log of the user's, printed as it is.
    }
    if (!entry) return options.write(`${line}\n`);
    if ('_aws' in entry) {
      options.onEmf(entry as EmfDocument);
      if (options.verbose) options.write(`${line}\n`);
      return;
    }
    const level = String(entry.level ?? 'INFO');
    if (options.verbose || level === 'WARN' || level === 'ERROR' || level === 'CRITICAL') {
      return options.write(`${JSON.stringify(entry, null, 2)}\n`);
    }
    if (!(HANDLER_KEY in entry)) return;
    const extra = Object.fromEntries(Object.entries(entry).filter(([key]) => !STANDARD_KEYS.has(key)));
    const fields = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
    options.write(`    ↳ ${level} ${String(entry.message)}${fields}\n`);
  };
}
