import { vehicleErrorKey } from '../store/vehicle-error-store.ts';
import type { EventHandler, VehicleErrorEvent } from '../types.ts';

/**
 * VEHICLE_ERROR: Smartcar could not read some signals (vehicle asleep, permission revoked, ...),
 * or, with `state: 'RESOLVED'`, the problem went away.
 *
 * This is the file to fork; `./types.ts` says what `event` and the context hold. The example
 * records each error's latest state per vehicle and logs, per error (usually one per event), one
 * line with the message Smartcar suggests showing the vehicle owner. Throw to have the event
 * retried. Like every handler it can run twice for one eventId (see `vehicle-state.ts`): key
 * side effects on `event.eventId`.
 *
 * @example
 * ```ts
 * // Replace the log line with yours, e.g. tell the owner (once, whatever the retries):
 * if (current.state === 'ERROR' && error.suggestedUserMessage) {
 *   await pushToOwner({ idempotencyKey: `${event.eventId}#${vehicleErrorKey(error)}`, userId: event.userId, text: error.suggestedUserMessage });
 * }
 * ```
 */
export const handleVehicleError: EventHandler<VehicleErrorEvent> = async (event, { logger, vehicleErrors, now }) => {
  // Step 1. Dashboard test deliveries and simulated vehicles (`meta.mode` TEST or SIMULATED):
  // acknowledged, kept out of your data. Delete this to process them.
  if (event.isTest) {
    logger.info('Test delivery acknowledged, not stored', { errors: event.errors.length, mode: event.meta.mode });
    return;
  }

  // Step 2. Keep the latest state (ERROR or RESOLVED) of each error of this vehicle. Errors
  // carry no timestamp of their own, so the delivery time orders them; two reports of different
  // states delivered within Smartcar's retry span of each other cannot be ordered, and the
  // stored entry says so (`contested`).
  const snapshot = await vehicleErrors.record(
    event.vehicleId,
    event.errors,
    event.eventId,
    event.meta.deliveredAt ?? now(),
  );

  // Step 3. Your logic goes here. Act on the stored state, not on the event: a report older
  // than the stored one has nothing new to say. The logger adds eventId, eventType and the
  // vehicle (its id shortened); only codes and Smartcar's generic texts are logged, never a VIN
  // or a location.
  for (const error of event.errors) {
    const current = snapshot.errors[vehicleErrorKey(error)];
    const fields = {
      type: error.type,
      code: error.code,
      state: current?.state ?? error.state,
      resolutionType: error.resolutionType,
    };
    if (current?.contested) {
      // ERROR and RESOLVED too close together to order: e.g. re-read the vehicle through
      // Smartcar's API before telling the owner anything.
      logger.info('Vehicle error state uncertain', { ...fields, contestedBy: current.contested.state });
    } else if (current?.eventId === event.eventId) {
      logger.info('Vehicle error', { ...fields, suggestedUserMessage: error.suggestedUserMessage });
    } else {
      logger.info('Vehicle error report superseded by a newer one', fields);
    }
  }
};
