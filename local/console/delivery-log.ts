import type {
  LocalDelivery,
  LocalDeliveryDetail,
  LocalErrorSummary,
  LocalProcessingState,
  LocalProcessingStep,
} from '../api/types.ts';
import type { LocalRecordOutcome } from '../processor-host/types.ts';

/** Filters of `GET /_local/deliveries`; each one optional. */
export interface DeliveryFilter {
  eventType?: string;
  /**
   * A processing state (`dlq`, `processed`...), an HTTP status (`401`), a class (`4xx`), or
   * `replayed`: events a replay run sent again.
   */
  status?: string;
  /** Substring of the vehicle id. */
  vehicle?: string;
  limit?: number;
}

/** What the log knows of one event, across its deliveries and attempts. */
export interface EventHistory {
  processing: LocalProcessingState;
  steps: LocalProcessingStep[];
  attempts: { at: string; error?: LocalErrorSummary }[];
  lastError?: LocalErrorSummary;
  deliveries: LocalDeliveryDetail[];
}

export interface DeliveryLog {
  /** A request answered on a webhook route. */
  addDelivery(delivery: LocalDeliveryDetail): void;
  /** A record the processor finished. */
  addOutcome(outcome: LocalRecordOutcome): void;
  /** Newest first. */
  list(filter?: DeliveryFilter): LocalDelivery[];
  delivery(id: string): LocalDeliveryDetail | undefined;
  event(eventId: string): EventHistory | undefined;
  /** The error of the latest failed attempt of an event. */
  lastError(eventId: string): LocalErrorSummary | undefined;
  /** Everything the log holds, for `createDeliveryLog(capacity, snapshot)` after a restart. */
  snapshot(): DeliveryLogSnapshot;
}

/** A saved log (JSON-safe). */
export interface DeliveryLogSnapshot {
  deliveries: LocalDeliveryDetail[];
  events: Array<[eventId: string, entry: { state: LocalProcessingState; steps: LocalProcessingStep[] }]>;
}

interface EventEntry {
  state: LocalProcessingState;
  steps: LocalProcessingStep[];
}

/** @default capacity of the deliveries ring. */
export const DELIVERY_LOG_CAPACITY = 1_000;

/**
 * The console's memory of recent deliveries: a bounded ring of requests (oldest dropped first)
 * and, per eventId, what the processor did with it (each attempt with its error, duplicate,
 * stale signals, DLQ, redriven, and each replay run with the attempts it caused). Steps of events no longer in the ring are dropped with it.
 * `npm start` saves it in its data folder at stop and passes it back as `restored` at start, so
 * the last error of a DLQ message survives a restart.
 *
 * @example
 * ```ts
 * const log = createDeliveryLog();
 * log.addDelivery(detail);
 * log.addOutcome({ messageId, eventId, outcome: 'failed', finalAttempt: true, attempt: 5, ms: 3, at, error });
 * log.event(eventId)?.processing; // 'dlq'
 * ```
 */
export function createDeliveryLog(
  capacity: number = DELIVERY_LOG_CAPACITY,
  restored?: DeliveryLogSnapshot,
): DeliveryLog {
  const ring: LocalDeliveryDetail[] = [...(restored?.deliveries ?? [])].slice(-capacity);
  const events = new Map<string, EventEntry>(restored?.events ?? []);

  const stateOf = (delivery: LocalDelivery): LocalProcessingState => {
    const entry = delivery.eventId ? events.get(delivery.eventId) : undefined;
    if (entry) return entry.state;
    return receiverState(delivery.code);
  };
  const withState = <T extends LocalDelivery>(delivery: T): T => {
    const replayIds = replayIdsOf((delivery.eventId && events.get(delivery.eventId)?.steps) || []);
    return { ...delivery, processing: stateOf(delivery), ...(replayIds.length ? { replayIds } : {}) };
  };

  return {
    addDelivery(delivery) {
      ring.push(delivery);
      if (ring.length <= capacity) return;
      const dropped = ring.shift()!;
      if (dropped.eventId && !ring.some((d) => d.eventId === dropped.eventId)) events.delete(dropped.eventId);
    },
    addOutcome(outcome) {
      if (!outcome.eventId) return;
      const entry = events.get(outcome.eventId) ?? { state: 'queued', steps: [] };
      events.set(outcome.eventId, entry);
      // The first attempt of a replay run opens it with a `replayed` step; its retries follow it.
      const newReplay = outcome.replayId !== undefined && !replayIdsOf(entry.steps).includes(outcome.replayId);
      // Any other attempt after the DLQ means someone moved it back.
      if (entry.state === 'dlq' && !newReplay) entry.steps.push({ at: outcome.at, kind: 'redriven' });
      if (newReplay) entry.steps.push({ at: outcome.at, kind: 'replayed', replayId: outcome.replayId });
      const step: LocalProcessingStep = {
        at: outcome.at,
        kind: outcome.outcome,
        attempt: outcome.attempt,
        ms: outcome.ms,
      };
      if (outcome.replayId) step.replayId = outcome.replayId;
      if (outcome.staleSignals) step.staleSignals = outcome.staleSignals;
      if (outcome.error) step.error = outcome.error;
      entry.steps.push(step);
      entry.state = nextState(entry.state, outcome);
      if (entry.state === 'dlq') entry.steps.push({ at: outcome.at, kind: 'dlq' });
    },
    list(filter = {}) {
      const limit = filter.limit ?? capacity;
      const found: LocalDelivery[] = [];
      for (let i = ring.length - 1; i >= 0 && found.length < limit; i--) {
        const delivery = withState(summary(ring[i]!));
        if (matches(delivery, filter)) found.push(delivery);
      }
      return found;
    },
    delivery(id) {
      const found = ring.find((d) => d.id === id);
      return found && withState(found);
    },
    event(eventId) {
      const deliveries = ring
        .filter((d) => d.eventId === eventId)
        .reverse()
        .map(withState);
      const entry = events.get(eventId);
      if (!entry && deliveries.length === 0) return undefined;
      const steps = entry?.steps ?? [];
      const attempts = steps
        .filter((s) => s.kind === 'processed' || s.kind === 'failed' || s.kind === 'duplicate')
        .map((s) => (s.error ? { at: s.at, error: s.error } : { at: s.at }));
      const history: EventHistory = {
        processing:
          entry?.state ??
          (deliveries.some((d) => d.code === 'enqueued') ? 'queued' : receiverState(deliveries.at(-1)?.code)),
        steps,
        attempts,
        deliveries,
      };
      const lastError = lastErrorOf(steps);
      if (lastError) history.lastError = lastError;
      return history;
    },
    lastError(eventId) {
      return lastErrorOf(events.get(eventId)?.steps ?? []);
    },
    snapshot() {
      return { deliveries: [...ring], events: [...events] };
    },
  };
}

function nextState(current: LocalProcessingState, outcome: LocalRecordOutcome): LocalProcessingState {
  switch (outcome.outcome) {
    case 'failed':
      return outcome.finalAttempt ? 'dlq' : 'retrying';
    case 'duplicate':
      // A Smartcar retry of an event already handled: it stays processed.
      return current === 'processed' ? current : 'duplicate';
    default:
      return outcome.outcome;
  }
}

/** The replay runs recorded in an event's steps, oldest first. */
function replayIdsOf(steps: readonly LocalProcessingStep[]): string[] {
  return steps.flatMap((s) => (s.kind === 'replayed' && s.replayId ? [s.replayId] : []));
}

function lastErrorOf(steps: readonly LocalProcessingStep[]): LocalErrorSummary | undefined {
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.error) return steps[i]!.error;
  return undefined;
}

function summary(detail: LocalDeliveryDetail): LocalDelivery {
  const { requestHeaders, requestBody, bodyTruncated, responseHeaders, responseBody, ...rest } = detail;
  return rest;
}

function matches(delivery: LocalDelivery, filter: DeliveryFilter): boolean {
  if (filter.eventType && delivery.eventType !== filter.eventType) return false;
  if (filter.vehicle && !delivery.vehicleId?.includes(filter.vehicle)) return false;
  if (filter.status) {
    const code = String(delivery.statusCode);
    const byClass = /^[1-5]xx$/i.test(filter.status) && code[0] === filter.status[0];
    const replayed = filter.status === 'replayed' && delivery.replayIds !== undefined;
    if (!byClass && !replayed && code !== filter.status && delivery.processing !== filter.status) return false;
  }
  return true;
}

/** Where a delivery the processor has not seen stands, by the receiver's outcome code. */
function receiverState(code: string | undefined): LocalProcessingState {
  if (code === 'enqueued') return 'queued';
  return code === 'quarantined' ? 'quarantined' : 'not-queued';
}
