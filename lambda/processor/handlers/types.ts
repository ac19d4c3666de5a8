import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { EventTypeName } from '../../core/event-types.ts';
import type { SignalLookup } from '../signals/types.ts';
import type { EventMeta, Signal, Trigger, VehicleError, VehicleInfo } from '../types/events.ts';
import type { VehicleErrorStore, VehicleStateStore } from '../types/stores.ts';

// The handler API: everything a business handler sees. Fork a handler with this file and the
// handler's own file; the shapes below (Signal, VehicleError, the stores) are in ../types/.

/** Fields every data event has, whatever its type. */
export interface BaseEvent {
  /** Stable across Smartcar retries: the idempotency key. Key your side effects on it. */
  eventId: string;
  meta: EventMeta;
  /**
   * A delivery that carries no live vehicle's data: `meta.mode` is `TEST` (a Dashboard test
   * delivery) or `SIMULATED` (a Vehicle Simulator vehicle), in any case. Routed like any other;
   * the handler decides (the examples acknowledge it without storing it).
   */
  isTest: boolean;
  /**
   * Set when `npm run replay` sent this copy from the archive: the handler runs again once per
   * replay run, even for an eventId handled before. Skip side effects that must happen once
   * (notifications); the stores' freshness checks already keep older signals from overwriting newer.
   */
  replay?: ReplayInfo;
  vehicleId: string;
  userId?: string;
  /** Make, model, year. Never the VIN: the parser drops it. */
  vehicle: VehicleInfo;
}

/** Which replay run sent an event (see `npm run replay`). */
export interface ReplayInfo {
  /** One id per replay run, printed by the command when it starts. */
  id: string;
}

/** VEHICLE_STATE: every subscribed signal of one vehicle, sent when a trigger signal changed. */
export interface VehicleStateEvent extends BaseEvent {
  eventType: 'VEHICLE_STATE';
  triggers: Trigger[];
  /** Every signal as it arrived, in order: bodies untyped (`Record<string, unknown>`). */
  signals: Signal[];
  /**
   * One signal by code, its body typed as Smartcar documents it (`lambda/processor/signals/`);
   * `unknown` for a code the catalogue does not list.
   *
   * Returns `undefined` when the signal is absent, failed (no body), or its body does not have
   * the documented shape: that copy stays in `signals` and is stored, and the processor counts
   * it as the `SignalShapeMismatch` metric (dimension `signal`, the code).
   *
   * @example
   * ```ts
   * const soc = event.signal('tractionbattery-stateofcharge')?.body.value; // number | undefined
   * ```
   */
  signal: SignalLookup;
}

/** VEHICLE_ERROR: signal retrieval failed (or recovered, with `state: 'RESOLVED'`). */
export interface VehicleErrorEvent extends BaseEvent {
  eventType: 'VEHICLE_ERROR';
  errors: VehicleError[];
}

/** An event type the parser has no typed shape for: its `data` object as it arrived. */
export interface UntypedEvent<T extends string = string> extends BaseEvent {
  eventType: T;
  data: Record<string, unknown>;
}

/** The typed shape of each event type that has one; add yours here (and its parser to `DATA_PARSERS` in `parse-event.ts`) to get a typed `event`. */
interface TypedEvents {
  VEHICLE_STATE: VehicleStateEvent;
  VEHICLE_ERROR: VehicleErrorEvent;
}

/** The event a handler of type `T` receives. */
export type EventOf<T extends string> = T extends keyof TypedEvents ? TypedEvents[T] : UntypedEvent<T>;

/** Every event of an event type in `EVENT_TYPES`. */
export type SmartcarEvent = { [T in EventTypeName]: EventOf<T> }[EventTypeName];

/** What a business handler gets besides its event. */
export interface HandlerContext {
  /**
   * Structured logger; every line already carries `eventId`, `eventType` and `vehicle` (the
   * vehicle id shortened). Never log VINs, locations or whole signal bodies.
   */
  logger: Logger;
  /** Add custom metrics here; they are published at the end of the batch. */
  metrics: Metrics;
  /** Latest signal values per vehicle (stale signals are skipped and counted for you). */
  vehicleState: VehicleStateStore;
  /** Error and RESOLVED states per vehicle. */
  vehicleErrors: VehicleErrorStore;
  /** The SQS receive count of this record: 1 on the first attempt. */
  attempt: number;
  /** Clock, epoch ms (the injected one in tests). */
  now: () => number;
}

/**
 * A business handler: throw to have the event retried (the idempotency key is released first);
 * return normally and the event is done. Each eventId reaches its handler once in normal
 * operation, and again only after a failure between the handler's return and the completion
 * record, or on a replay: key downstream side effects on `event.eventId`.
 *
 * @example
 * ```ts
 * export const handlePing: EventHandler<EventOf<'PING'>> = async (event, { logger }) => {
 *   logger.info(`PING ${event.eventId}`);
 * };
 * ```
 */
export type EventHandler<E extends BaseEvent> = (event: E, context: HandlerContext) => Promise<void>;

/** The handler registry: one handler per event type of `EVENT_TYPES`, no more, no fewer. */
export type EventHandlers = { [T in EventTypeName]: EventHandler<EventOf<T>> };
