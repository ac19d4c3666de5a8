import type { EventHandlers } from '../types.ts';
import { handleVehicleError } from './vehicle-error.ts';
import { handleVehicleState } from './vehicle-state.ts';

/**
 * The business handler of each event type. To change what happens to an event, edit its file;
 * to add a type, add it to `SmartcarEvent` in `types.ts`, to the parser, and here.
 */
export const defaultHandlers: EventHandlers = {
  VEHICLE_STATE: handleVehicleState,
  VEHICLE_ERROR: handleVehicleError,
};
