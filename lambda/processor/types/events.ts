import type { SmartcarEvent, UntypedEvent } from '../handlers/types.ts';

// The parts of a typed event, as `parseEvent` makes them of a Smartcar 4.0 body whatever variant
// arrived. The events themselves (VehicleStateEvent, ...) are the handler API: ../handlers/types.ts.

/**
 * Delivery metadata. `deliveredAt` is always epoch milliseconds here (the wire also uses seconds and
 * ISO strings; `lambda/core/timestamp.ts` reads them all), absent when it is no plausible time.
 */
export interface EventMeta {
  version?: string;
  webhookId?: string;
  webhookName?: string;
  /** New on every delivery attempt. */
  deliveryId?: string;
  /** When Smartcar sent this attempt, epoch ms. Refreshed on every retry: never use it to order data. */
  deliveredAt?: number;
  /**
   * `LIVE`, `TEST` (Dashboard test deliveries) or `SIMULATED` (Vehicle Simulator), as sent; the
   * two non-live ones, in any case, make `isTest` true. Other values are passed through as live.
   */
  mode?: string;
  signalCount?: number;
}

/** The vehicle as Smartcar describes it. The VIN is deliberately not carried (it is personal data). */
export interface VehicleInfo {
  id: string;
  make?: string;
  model?: string;
  year?: number;
}

/** A signal named by reference (triggers, affected signals of an error). */
export interface SignalRef {
  /** Kebab-case `group-name`, e.g. `tractionbattery-stateofcharge`. */
  code: string;
  name?: string;
  group?: string;
}

/** Timestamps of one signal value, epoch ms. */
export interface SignalMeta {
  /** When the vehicle or OEM recorded the value: the ordering key. */
  oemUpdatedAt?: number;
  /** When Smartcar fetched the value (`retrievedAt` or `fetchedAt` on the wire): the fallback ordering key. */
  retrievedAt?: number;
}

/** Per-signal read status; on `ERROR` the signal has no `body`. */
export interface SignalStatus {
  value: string;
  error?: { code: string | null; type: string | null };
}

/** One signal of a VEHICLE_STATE event. */
export interface Signal extends SignalRef {
  /** Signal-specific value, e.g. `{ unit: 'percent', value: 78 }`. Absent when the read failed. */
  body?: Record<string, unknown>;
  status?: SignalStatus;
  meta: SignalMeta;
}

/** Why a VEHICLE_STATE was sent: a signal changed, or the first delivery after (re)subscribing. */
export interface Trigger {
  /** `SIGNAL_UPDATED`, `FIRST_DELIVERY`, or whatever Smartcar sends next. */
  type: string;
  signal?: SignalRef;
}

/** One error (or its resolution) reported for a vehicle. */
export interface VehicleError {
  /** `CONNECTED_SERVICES_ACCOUNT`, `VEHICLE_STATE`, `COMPATIBILITY`, `PERMISSION`, ... */
  type: string;
  /** e.g. `UNREACHABLE`; `null` for some types (PERMISSION). */
  code: string | null;
  /** `ERROR` or `RESOLVED`. */
  state: string;
  description?: string;
  /** Text meant for the vehicle owner. */
  suggestedUserMessage?: string;
  docURL?: string;
  /** e.g. `RETRY_LATER`, `USER_ACTION_REQUIRED`; `null` when Smartcar sends none. */
  resolutionType: string | null;
  /** Affected signals; empty for broad errors. */
  signals: SignalRef[];
}

/**
 * An event of any type with a handler: one of `EVENT_TYPES`, or an extra type registered with
 * its handler (which then arrives untyped).
 */
export type ParsedEvent = SmartcarEvent | UntypedEvent;

/**
 * What one SQS body turned out to be. Malformed bodies throw `MalformedEventError` instead.
 * `E` is `ParsedEvent` when extra event types are accepted.
 */
export type ParsedBody<E extends ParsedEvent = SmartcarEvent> =
  | { kind: 'event'; event: E }
  /** A 4.0 envelope with an event type this processor has no handler for (VERIFY included). */
  | { kind: 'unknown'; eventId?: string; eventType: string }
  /** A legacy 2.0 payload (`version: "2.0"`, `eventName`). */
  | { kind: 'legacy'; eventName?: string };
