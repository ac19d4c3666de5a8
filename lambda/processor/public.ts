/**
 * The processor's public API, the package's `smartcar-webhook-receiver/processor`: the factory a
 * processor entry calls, and the types its handlers are written against. Everything else under
 * `lambda/processor/` may change in any release.
 *
 * @example
 * ```ts
 * import { createProcessor } from 'smartcar-webhook-receiver/processor';
 *
 * export const handler = createProcessor({
 *   handlers: { VEHICLE_STATE: async (event, { logger }) => logger.info('state', { signals: event.signals.length }) },
 * });
 * ```
 */
export { EVENT_TYPES, type EventTypeName } from '../core/event-types.ts';
export { SIGNALS_REFERENCE_URL } from './constants.ts';
export { type CreateProcessorOptions, createProcessor } from './create-processor.ts';
export { MalformedEventError, ProcessorConfigError } from './errors.ts';
export type { ProcessorHandler } from './processor.ts';
export type { FieldSpec, ListSpec, ObjectSpec, OneOfSpec, PrimitiveSpec, UnitsSpec } from './signals/shapes.ts';
export type * from './signals/types.ts';
export * from './signals/units.ts';
export type {
  BaseEvent,
  DeliveryReceipt,
  ErrorReport,
  EventHandler,
  EventHandlers,
  EventMeta,
  EventOf,
  HandlerContext,
  HandlerOverrides,
  ParsedBody,
  ParsedEvent,
  ProcessorOutcome,
  ReplayInfo,
  Signal,
  SignalMergeResult,
  SignalRef,
  SmartcarEvent,
  StoredSignal,
  StoredVehicleError,
  Trigger,
  UntypedEvent,
  VehicleError,
  VehicleErrorEvent,
  VehicleErrorSnapshot,
  VehicleErrorStore,
  VehicleInfo,
  VehicleSnapshot,
  VehicleStateEvent,
  VehicleStateStore,
} from './types.ts';
