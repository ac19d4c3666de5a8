import type { EventHandler, VehicleStateEvent } from '../types.ts';

/** Below this state of charge the example logs a warning. Change it, or delete the example. */
const LOW_BATTERY_PERCENT = 20;

/**
 * VEHICLE_STATE: Smartcar sends every subscribed signal each time a trigger signal changes.
 *
 * This is the file to fork. By the time this runs, the event has been parsed into a typed object
 * and is handled at most once per `eventId` (duplicates never reach it). Throw to have it retried;
 * return normally and it is done. Keep it idempotent-friendly: the store below already is.
 *
 * @example
 * ```ts
 * // Replace the example logic with yours, e.g. notify your app:
 * await notifyApp(event.vehicleId, snapshot.signals['tractionbattery-range']?.body);
 * ```
 */
export const handleVehicleState: EventHandler<VehicleStateEvent> = async (event, { logger, vehicleState }) => {
  // Dashboard test deliveries: acknowledged, kept out of your data. Delete this to process them.
  if (event.isTest) {
    logger.info('Test delivery acknowledged, not stored', { signals: event.signals.length });
    return;
  }

  // 1. Keep the latest value of every signal for this vehicle. Values older than what is stored
  //    (Smartcar delivers out of order) are skipped and counted as the StaleSignal metric.
  const { applied, snapshot } = await vehicleState.mergeSignals(event.vehicleId, event.signals, event.eventId);

  // 2. Your logic goes here. `snapshot` is the vehicle's latest state after this event; elsewhere,
  //    read it with `await vehicleState.get(vehicleId)`.
  const stateOfCharge = snapshot.signals['tractionbattery-stateofcharge']?.body.value;
  if (applied.includes('tractionbattery-stateofcharge') && typeof stateOfCharge === 'number') {
    if (stateOfCharge < LOW_BATTERY_PERCENT) logger.warn('Battery low', { stateOfCharge });
  }
  // Never log signal bodies wholesale: location signals are personal data.
  logger.debug('Vehicle state merged', { applied: applied.length, version: snapshot.version });
};
