import type { EventHandler, VehicleErrorEvent } from '../types.ts';

/**
 * VEHICLE_ERROR: Smartcar could not read some signals (vehicle asleep, permission revoked, ...),
 * or, with `state: 'RESOLVED'`, the problem went away.
 *
 * This is the file to fork. The example records each error's latest state per vehicle and logs
 * the message Smartcar suggests showing the vehicle owner. Throw to have the event retried. Like
 * every handler it can run twice for one eventId (see `vehicle-state.ts`): key side effects on
 * `event.eventId`.
 *
 * @example
 * ```ts
 * // Replace the log line with yours, e.g. tell the owner (once, whatever the retries):
 * if (error.state === 'ERROR' && error.suggestedUserMessage) {
 *   await pushToOwner({ idempotencyKey: `${event.eventId}#${vehicleErrorKey(error)}`, userId: event.userId, text: error.suggestedUserMessage });
 * }
 * ```
 */
export const handleVehicleError: EventHandler<VehicleErrorEvent> = async (event, { logger, vehicleErrors, now }) => {
  // Dashboard test deliveries: acknowledged, kept out of your data. Delete this to process them.
  if (event.isTest) {
    logger.info('Test delivery acknowledged, not stored', { errors: event.errors.length });
    return;
  }

  // 1. Keep the latest state (ERROR or RESOLVED) of each error of this vehicle. Errors carry no
  //    timestamp of their own, so the delivery time orders them.
  await vehicleErrors.record(event.vehicleId, event.errors, event.eventId, event.meta.deliveredAt ?? now());

  // 2. Your logic goes here. Only codes and Smartcar's generic texts are logged: no VIN, no location.
  for (const error of event.errors) {
    logger.info('Vehicle error', {
      type: error.type,
      code: error.code,
      state: error.state,
      resolutionType: error.resolutionType,
      suggestedUserMessage: error.suggestedUserMessage,
    });
  }
};
