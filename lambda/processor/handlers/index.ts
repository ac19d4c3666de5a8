import { EVENT_TYPES } from '../../core/event-types.ts';
import { ProcessorConfigError } from '../errors.ts';
import type { EventHandler, EventHandlers, HandlerOverrides, ParsedEvent } from '../types.ts';
import { handleVehicleError } from './vehicle-error.ts';
import { handleVehicleState } from './vehicle-state.ts';

/**
 * The handler registry: the business handler of each event type of `EVENT_TYPES`
 * (`lambda/core/event-types.ts`). To change what happens to an event, edit its handler file.
 * To add an event type: write its handler file here, add its name to `EVENT_TYPES`, and its
 * line below (the compiler refuses a registry that misses a listed type). Without a typed shape
 * in `../types.ts`, its handler gets the event's `data` unparsed (`UntypedEvent`).
 *
 * @example
 * ```ts
 * await defaultHandlers.VEHICLE_STATE(event, context);
 * ```
 */
export const defaultHandlers: EventHandlers = {
  VEHICLE_STATE: handleVehicleState,
  VEHICLE_ERROR: handleVehicleError,
};

/** Handlers by event type, as the processor dispatches: `handlers[event.eventType]`. */
export type HandlerRegistry = Readonly<Record<string, EventHandler<ParsedEvent>>>;

/**
 * The handler of each event type: the defaults of `handlers/index.ts` with `overrides` merged
 * over them. An override for a type outside `EVENT_TYPES` adds that type (tests, forks trying one
 * out). Its keys are the event types the parser accepts, so a type is parsed only if it has a
 * handler to go to.
 *
 * @throws ProcessorConfigError when a type of `EVENT_TYPES` has no handler (a JavaScript fork or
 *   a cast got past the compiler): found at cold start rather than on that type's first event.
 * @example
 * ```ts
 * const handlers = handlerRegistry({ PING: async (event, { logger }) => logger.info('PING') });
 * Object.keys(handlers); // ['VEHICLE_STATE', 'VEHICLE_ERROR', 'PING']
 * ```
 */
export function handlerRegistry(overrides: HandlerOverrides = {}): HandlerRegistry {
  const merged: Record<string, unknown> = { ...defaultHandlers };
  for (const [eventType, handler] of Object.entries(overrides)) if (handler) merged[eventType] = handler;
  const missing = EVENT_TYPES.filter((eventType) => typeof merged[eventType] !== 'function');
  if (missing.length > 0) throw new ProcessorConfigError(`no handler for event type(s) ${missing.join(', ')}`);
  // Each handler is typed for its own event type, and the parser hands each one only events of
  // that type: the one place the per-type types meet the dispatch by name.
  return merged as HandlerRegistry;
}
