import type { SignalBody } from './types.ts';

// One conversion per quantity whose signals Smartcar documents in more than one unit. Exact
// factors (the international mile, gallon); no unit library for four multiplications.

/** A distance unit Smartcar documents (odometer, ranges). */
export type DistanceUnit = SignalBody<'odometer-traveleddistance'>['unit'];
/** A temperature unit Smartcar documents (climate, HVAC). */
export type TemperatureUnit = SignalBody<'climate-externaltemperature'>['unit'];
/** A speed unit Smartcar documents (motion). */
export type SpeedUnit = SignalBody<'motion-currentspeed'>['unit'];
/** A volume unit Smartcar documents (fuel remaining). */
export type VolumeUnit = SignalBody<'internalcombustionengine-amountremaining'>['unit'];

const KILOMETERS_PER_MILE = 1.609344;
const LITERS_PER_US_GALLON = 3.785411784;

/**
 * A documented distance in kilometres.
 *
 * @example
 * ```ts
 * const range = event.signal('tractionbattery-range');
 * if (range) toKilometers(range.body); // 350 for { value: 350, unit: 'kilometers' }
 * ```
 */
export function toKilometers({ value, unit }: { value: number; unit: DistanceUnit }): number {
  return unit === 'miles' ? value * KILOMETERS_PER_MILE : value;
}

/**
 * A documented speed in kilometres per hour.
 *
 * @example
 * ```ts
 * toKilometersPerHour({ value: 60, unit: 'mph' }); // 96.56064
 * ```
 */
export function toKilometersPerHour({ value, unit }: { value: number; unit: SpeedUnit }): number {
  return unit === 'mph' ? value * KILOMETERS_PER_MILE : value;
}

/**
 * A documented temperature in degrees Celsius.
 *
 * @example
 * ```ts
 * toCelsius({ value: 212, unit: 'fahrenheit' }); // 100
 * ```
 */
export function toCelsius({ value, unit }: { value: number; unit: TemperatureUnit }): number {
  return unit === 'fahrenheit' ? ((value - 32) * 5) / 9 : value;
}

/**
 * A documented fuel volume in litres (US gallons, as Smartcar's US data uses).
 *
 * @example
 * ```ts
 * toLiters({ value: 10, unit: 'gallons' }); // 37.85411784
 * ```
 */
export function toLiters({ value, unit }: { value: number; unit: VolumeUnit }): number {
  return unit === 'gallons' ? value * LITERS_PER_US_GALLON : value;
}
