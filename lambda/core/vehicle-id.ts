/**
 * The vehicle id of a parsed webhook body: the top-level `vehicleId`, else `data.vehicle.id`
 * (Smartcar's documented and captured payloads put it in one place or the other). The processor
 * keys its work on it and the DLQ CLI shows it, so both read it with this one rule.
 *
 * @returns the id, or `undefined` when neither is a non-empty string.
 * @example
 * ```ts
 * vehicleIdOf({ vehicleId: 'veh-1' }); // 'veh-1'
 * vehicleIdOf({ data: { vehicle: { id: 'veh-2' } } }); // 'veh-2'
 * vehicleIdOf({ data: {} }); // undefined
 * ```
 */
export function vehicleIdOf(body: Readonly<Record<string, unknown>>): string | undefined {
  const vehicle = isObject(body.data) ? body.data.vehicle : undefined;
  return nonEmptyString(body.vehicleId) ?? (isObject(vehicle) ? nonEmptyString(vehicle.id) : undefined);
}

/** Characters of a vehicle id kept by {@link shortVehicleId}. */
const SHORT_VEHICLE_ID_LENGTH = 8;

/**
 * A vehicle id shortened for log lines a person reads: enough to tell a handful of vehicles
 * apart, too little to look one up in Smartcar's API. Full ids stay in the stores and the DLQ.
 *
 * @example
 * ```ts
 * shortVehicleId('36ab27d0-fd9d-4455-823a-ce30af709ffc'); // '36ab27d0…'
 * shortVehicleId('veh-1'); // 'veh-1'
 * ```
 */
export function shortVehicleId(vehicleId: string): string {
  return vehicleId.length > SHORT_VEHICLE_ID_LENGTH ? `${vehicleId.slice(0, SHORT_VEHICLE_ID_LENGTH)}…` : vehicleId;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
