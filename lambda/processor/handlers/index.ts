import type { EventHandlers } from '../types.ts';
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
