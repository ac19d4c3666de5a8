import { toKilometers } from '../signals/units.ts';
import type { EventHandler, VehicleStateEvent } from '../types.ts';

/** Below this state of charge the example calls the battery low. Change it, or delete the example. */
const LOW_BATTERY_PERCENT = 20;

/** The signal the example watches (Smartcar's `group-name` code). */
const STATE_OF_CHARGE = 'tractionbattery-stateofcharge';

/**
 * VEHICLE_STATE: Smartcar sends every subscribed signal each time a trigger signal changes.
 *
 * This is the file to fork; `./types.ts` says what `event` and the context hold. By the time
 * this runs, the event has been parsed into a typed object and deduplicated on `eventId`: each
 * eventId reaches this handler once in normal operation, and again only after a failure between
 * this handler's return and the completion record (a throttled or timed-out DynamoDB write),
 * after a throw (the retry), or when it is replayed. So make every side effect safe to repeat:
 * pass `event.eventId` as the idempotency key of each downstream call. Throw to have the event
 * retried; return normally and it is done.
 *
 * @example
 * ```ts
 * // Replace the example logic with yours, e.g. notify your app, keyed on the eventId so a
 * // second run of this event is a no-op on the other side:
 * // `signal(code)` types each body as Smartcar documents it (see docs/signals.md):
 * const range = snapshot.signal('tractionbattery-range')?.body; // { value: number; unit: 'kilometers' | 'miles' }
 * await notifyApp({ idempotencyKey: event.eventId, vehicleId: event.vehicleId, rangeKm: range && toKilometers(range) });
 * ```
 */
export const handleVehicleState: EventHandler<VehicleStateEvent> = async (event, { logger, vehicleState }) => {
  // Step 1. Dashboard test deliveries and simulated vehicles (`meta.mode` TEST or SIMULATED):
  // acknowledged, kept out of your data. Delete this to process them.
  if (event.isTest) {
    logger.info('Test delivery acknowledged, not stored', { signals: event.signals.length, mode: event.meta.mode });
    return;
  }

  // Step 2. Keep the latest value of every signal for this vehicle. Values older than what is
  // stored (Smartcar delivers out of order) are skipped and counted as the StaleSignal metric.
  const { applied, snapshot } = await vehicleState.mergeSignals(event.vehicleId, event.signals, event.eventId);

  // Step 3. Your logic goes here. `snapshot` is the vehicle's latest state after this event;
  // elsewhere, read it with `await vehicleState.get(vehicleId)`. `applied` is the same on a
  // retry of this event, so if the action below throws, the retry runs it again instead of
  // skipping it.
  // `snapshot.signal(code)` gives the body typed as Smartcar documents it (here `{ value: number;
  // unit: 'percent' }`), or `undefined` when the vehicle has none or the OEM sent another shape
  // (that copy is still in `snapshot.signals`, and counted as the SignalShapeMismatch metric).
  const stateOfCharge = snapshot.signal(STATE_OF_CHARGE)?.body.value;
  // Distances come in kilometres or miles, as the OEM reports them; `toKilometers` evens that out.
  const range = snapshot.signal('tractionbattery-range')?.body;
  const rangeKm = range && Math.round(toKilometers(range));
  const batteryLow =
    applied.includes(STATE_OF_CHARGE) && stateOfCharge !== undefined && stateOfCharge < LOW_BATTERY_PERCENT;
  if (batteryLow && event.replay) {
    // A replay (`npm run replay`) runs this handler again for an event handled before, to
    // rebuild your data from the archive. Storing the state again (Step 2) is safe; telling the
    // driver again is not: they were told the first time. So skip one-time side effects on a
    // replay, and log that you did.
    logger.info('Battery low, not notified again: replayed event', { stateOfCharge, replayId: event.replay.id });
  } else if (batteryLow) {
    // The action: a warning here; yours would be e.g. `await notifyApp({ idempotencyKey:
    // event.eventId, ... })`, so that a second run of this eventId notifies nobody twice.
    logger.warn('Battery low', { stateOfCharge, rangeKm, idempotencyKey: event.eventId });
  }

  // Step 4. One line per event for the person reading the log. The logger adds eventId,
  // eventType and the vehicle (its id shortened). Log counts and values you chose, never signal
  // bodies wholesale: location signals are personal data.
  logger.info('Vehicle state stored', {
    signals: event.signals.length,
    newValues: applied.length,
    ...(stateOfCharge !== undefined && { stateOfCharge }),
  });
};
