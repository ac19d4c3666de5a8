import { EVENT_TYPES } from '../lambda/core/event-types.ts';
import { InvalidPropsError } from './errors.ts';

/**
 * How many event types the alarms on metric math can add up: `VehicleErrorShare` reads one
 * `EventReceived` series per type, `HandlerFailureRate` one `EventProcessed` series per type plus
 * `HandlerFailed`, and an alarm on metric math may reference at most 10 metrics (a hard
 * CloudWatch limit: "Limits that apply to alarms based on metric math expressions").
 *
 * @example
 * ```ts
 * if (eventTypes.length > MAX_EVENT_TYPES) console.log('split the pipeline');
 * ```
 */
export const MAX_EVENT_TYPES = 9;

/** A Smartcar event type name as Smartcar spells them: upper snake case (`VEHICLE_STATE`). */
const EVENT_TYPE_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/** Answered by the receiver and never enqueued, so never counted by type. */
const VERIFY = 'VERIFY';

/**
 * The `eventTypes` prop checked before anything is built, or `EVENT_TYPES` when it is not
 * given: a non-empty list of at most {@link MAX_EVENT_TYPES} distinct upper-snake-case names,
 * every type of `EVENT_TYPES` among them (the processor always has a handler for those), and no
 * `VERIFY`. Its order is the order of the dashboard's series.
 *
 * @throws {InvalidPropsError} naming the entry that is wrong.
 * @example
 * ```ts
 * checkEventTypes(undefined); // ['VEHICLE_STATE', 'VEHICLE_ERROR']
 * checkEventTypes([...EVENT_TYPES, 'EXAMPLE_EVENT']); // the same list, checked
 * checkEventTypes(['vehicle_state']); // throws: eventTypes[0] "vehicle_state" is not ...
 * ```
 */
export function checkEventTypes(eventTypes: readonly string[] | undefined): readonly string[] {
  if (eventTypes === undefined) return EVENT_TYPES;
  if (eventTypes.length === 0)
    throw new InvalidPropsError('eventTypes', 'an empty list (leave it out for EVENT_TYPES)');
  if (eventTypes.length > MAX_EVENT_TYPES) {
    throw new InvalidPropsError(
      'eventTypes',
      `${eventTypes.length} types, more than the ${MAX_EVENT_TYPES} the alarms' metric math can add up`,
    );
  }
  eventTypes.forEach((eventType, index) => {
    const entry = `eventTypes[${index}] ${JSON.stringify(eventType)}`;
    if (typeof eventType !== 'string' || !EVENT_TYPE_NAME.test(eventType)) {
      throw new InvalidPropsError('eventTypes', `${entry} is not a Smartcar event type name (UPPER_SNAKE_CASE)`);
    }
    if (eventType === VERIFY) {
      throw new InvalidPropsError('eventTypes', `${entry}: the receiver answers VERIFY and never enqueues it`);
    }
    const first = eventTypes.indexOf(eventType);
    if (first !== index) throw new InvalidPropsError('eventTypes', `${entry} repeats eventTypes[${first}]`);
  });
  const missing = EVENT_TYPES.filter((eventType) => !eventTypes.includes(eventType));
  if (missing.length > 0) {
    throw new InvalidPropsError(
      'eventTypes',
      `${missing.join(', ')} missing: the processor always handles every type of EVENT_TYPES`,
    );
  }
  return eventTypes;
}
