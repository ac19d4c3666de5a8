/**
 * The Smartcar event types this project processes: the one list. The processor's handler
 * registry (`lambda/processor/handlers/index.ts`) must have exactly one handler per entry (the
 * compiler checks it), the parser accepts these types and acknowledges every other one as
 * unknown, and the stack's "by type" metrics, dashboard graphs and alarms iterate it.
 *
 * To add an event type: write its handler file in `lambda/processor/handlers/`, add its name
 * here, and its entry to the registry. Nothing else lists event types.
 *
 * VERIFY is not here: the receiver answers it and never enqueues it.
 *
 * Nothing in this file may import a runtime dependency: the CDK app and both Lambdas load it.
 *
 * @example
 * ```ts
 * for (const eventType of EVENT_TYPES) console.log(eventType); // VEHICLE_STATE, VEHICLE_ERROR
 * ```
 */
export const EVENT_TYPES = ['VEHICLE_STATE', 'VEHICLE_ERROR'] as const;

/**
 * One of {@link EVENT_TYPES}.
 *
 * @example
 * ```ts
 * const eventType: EventTypeName = 'VEHICLE_STATE';
 * ```
 */
export type EventTypeName = (typeof EVENT_TYPES)[number];
