/**
 * Keys whose values are personal data: a vehicle's identity and its position. Not `location`:
 * the Powertools Logger uses it for the source line of a logged error.
 */
const REDACTED_KEYS = new Set(['vin', 'latitude', 'longitude']);

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * A `JSON.stringify` replacer for the Powertools Logger (`jsonReplacerFn`): replaces VINs and
 * location values wherever they appear in a log entry. The typed events already drop the VIN;
 * this catches what a user's handler might log by accident.
 *
 * @example
 * ```ts
 * const logger = new Logger({ jsonReplacerFn: redactPersonalData });
 * logger.info('state', { body: { latitude: 37.7, longitude: -122.4 } }); // both [REDACTED]
 * ```
 */
export function redactPersonalData(key: string, value: unknown): unknown {
  if (key !== '' && REDACTED_KEYS.has(key.toLowerCase()) && value !== null && value !== undefined) return REDACTED;
  return value;
}
