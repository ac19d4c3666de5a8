import { randomUUID } from 'node:crypto';
import { computeSignature } from '../../lambda/core/signature.ts';
import { describeSignal, SIGNAL_CATALOGUE } from '../../lib/signal-catalogue.ts';

/**
 * Builders for realistic Smartcar webhook payloads (payload version 4.0), shared by the
 * `send` CLI, the local pipeline, the tests and the bench. Shapes follow Smartcar's docs and
 * the variants seen in the wild (top-level `triggers`, `retrievedAt` instead of `fetchedAt`).
 */

/** Which of the documented payload shapes to produce. */
export type PayloadVariant =
  /** Event reference pages: `data.triggers`, `fetchedAt`, top-level `vehicleId`. */
  | 'reference'
  /** Responses page and captured payloads: top-level `triggers` `{type, signal}`, `retrievedAt`, no `vehicleId`. */
  | 'captured';

export interface CommonOptions {
  eventId?: string;
  deliveryId?: string;
  /** Epoch ms, or an ISO string as some VERIFY examples use. */
  deliveredAt?: number | string;
  /** `LIVE` (default) or `TEST` (Dashboard test deliveries). */
  mode?: 'LIVE' | 'TEST';
  webhookId?: string;
}

export interface VehicleStateOptions extends CommonOptions {
  vehicleId?: string;
  /** How many signals to include (default 12, a typical subscription). Ignored with `signalCodes`. */
  signalCount?: number;
  /**
   * Exactly these signals, each with its example body from the signal catalogue
   * (`lib/signal-catalogue.ts`), or `'all'` for one of every documented signal.
   * @throws Error for a code the catalogue does not list.
   */
  signalCodes?: 'all' | readonly string[];
  /** Pad the body with more signals until it is at least this many bytes. */
  minBytes?: number;
  /** `oemUpdatedAt` of every signal; `null` omits it (the processor falls back to retrieval time). */
  oemUpdatedAt?: number | null;
  /** Value of the state-of-charge signal (default 78). */
  stateOfCharge?: number;
  variant?: PayloadVariant;
}

export interface VehicleErrorOptions extends CommonOptions {
  vehicleId?: string;
  state?: 'ERROR' | 'RESOLVED';
  variant?: PayloadVariant;
}

/** The default mix of `buildVehicleState` (cycled through for `signalCount`). */
const DEFAULT_SIGNAL_MIX: ReadonlyArray<{ group: string; name: string; body: (i: number) => unknown }> = [
  { group: 'TractionBattery', name: 'StateOfCharge', body: () => ({ unit: 'percent', value: 78 }) },
  { group: 'TractionBattery', name: 'Range', body: (i) => ({ unit: 'kilometers', value: 312 + i }) },
  { group: 'Charge', name: 'IsCharging', body: () => ({ value: false }) },
  { group: 'Charge', name: 'ChargeLimits', body: () => ({ values: [{ type: 'GLOBAL', limit: 80 }] }) },
  { group: 'Odometer', name: 'TraveledDistance', body: (i) => ({ unit: 'kilometers', value: 48213.4 + i }) },
  {
    group: 'Location',
    name: 'PreciseLocation',
    body: () => ({ latitude: 37.7749, longitude: -122.4194, heading: 90 }),
  },
  { group: 'Location', name: 'IsAtHome', body: () => ({ value: true }) },
  { group: 'Closure', name: 'IsLocked', body: () => ({ value: true }) },
  {
    group: 'Closure',
    name: 'Doors',
    body: () => ({
      rowCount: 2,
      columnCount: 2,
      values: [
        { row: 0, column: 0, isOpen: false, isLocked: true },
        { row: 0, column: 1, isOpen: false, isLocked: true },
        { row: 1, column: 0, isOpen: false, isLocked: true },
        { row: 1, column: 1, isOpen: false, isLocked: true },
      ],
    }),
  },
  { group: 'InternalCombustionEngine', name: 'FuelLevel', body: () => ({ unit: 'percent', value: 41 }) },
  { group: 'Tires', name: 'Pressures', body: () => ({ unit: 'kPa', values: [{ row: 0, column: 0, value: 250 }] }) },
  { group: 'Connectivity', name: 'IsOnline', body: () => ({ value: true }) },
];

function signalCode(group: string, name: string): string {
  return `${group}-${name}`.toLowerCase();
}

function meta(options: CommonOptions, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '4.0',
    webhookId: options.webhookId ?? 'wh-local-0001',
    webhookName: 'Local test webhook',
    deliveryId: options.deliveryId ?? randomUUID(),
    deliveredAt: options.deliveredAt ?? Date.now(),
    mode: options.mode ?? 'LIVE',
    ...extra,
  };
}

/**
 * A 4.0 VERIFY payload.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(buildVerify({ challenge: 'abc123' }));
 * ```
 */
export function buildVerify(options: CommonOptions & { challenge?: string } = {}): Record<string, unknown> {
  return {
    eventId: options.eventId ?? randomUUID(),
    eventType: 'VERIFY',
    data: { challenge: options.challenge ?? randomUUID() },
    meta: meta(options),
  };
}

/**
 * A 4.0 VEHICLE_STATE payload with `signalCount` signals (cycling through a realistic catalogue).
 *
 * @example
 * ```ts
 * const body = JSON.stringify(buildVehicleState({ vehicleId: 'veh-1', stateOfCharge: 55 }));
 * ```
 */
export function buildVehicleState(options: VehicleStateOptions = {}): Record<string, unknown> {
  const vehicleId = options.vehicleId ?? randomUUID();
  const variant = options.variant ?? 'reference';
  const now = Date.now();
  const oemUpdatedAt = options.oemUpdatedAt === undefined ? now - 2_000 : options.oemUpdatedAt;
  const retrievedKey = variant === 'captured' ? 'retrievedAt' : 'fetchedAt';
  const signalMeta = (): Record<string, unknown> => ({
    [retrievedKey]: now - 1_000,
    ...(oemUpdatedAt !== null && { oemUpdatedAt }),
  });
  const makeSignal = (i: number): Record<string, unknown> => {
    const entry = DEFAULT_SIGNAL_MIX[i % DEFAULT_SIGNAL_MIX.length]!;
    const round = Math.floor(i / DEFAULT_SIGNAL_MIX.length);
    const name = round === 0 ? entry.name : `${entry.name}${round}`;
    const body =
      i === 0 && options.stateOfCharge !== undefined
        ? { unit: 'percent', value: options.stateOfCharge }
        : entry.body(i);
    return { code: signalCode(entry.group, name), name, group: entry.group, body, meta: signalMeta() };
  };
  const signals: Record<string, unknown>[] = [];
  if (options.signalCodes) {
    const codes = options.signalCodes === 'all' ? SIGNAL_CATALOGUE.map(({ code }) => code) : options.signalCodes;
    for (const code of codes) {
      const documented = describeSignal(code);
      if (!documented) throw new Error(`${code} is not a signal of the catalogue (see docs/signals.md)`);
      const { name, group, example } = documented;
      const body =
        code === 'tractionbattery-stateofcharge' && options.stateOfCharge !== undefined
          ? { unit: 'percent', value: options.stateOfCharge }
          : structuredClone(example);
      signals.push({ code, name, group, body, meta: signalMeta() });
    }
  } else {
    const count = options.signalCount ?? 12;
    for (let i = 0; i < count; i++) signals.push(makeSignal(i));
  }
  const trigger = { code: 'tractionbattery-stateofcharge', name: 'StateOfCharge', group: 'TractionBattery' };
  const data: Record<string, unknown> = {
    user: { id: 'usr-local-0001' },
    vehicle: { id: vehicleId, make: 'TESLA', model: 'Model 3', year: 2022 },
    signals,
  };
  const payload: Record<string, unknown> = { eventId: options.eventId ?? randomUUID(), eventType: 'VEHICLE_STATE' };
  if (variant === 'captured') {
    payload.data = data;
    payload.triggers = [{ type: 'SIGNAL_UPDATED', signal: trigger }];
  } else {
    payload.vehicleId = vehicleId;
    payload.data = { ...data, triggers: [trigger] };
  }
  const build = (): Record<string, unknown> => ({ ...payload, meta: meta(options, { signalCount: signals.length }) });
  let result = build();
  if (options.minBytes) {
    while (Buffer.byteLength(JSON.stringify(result)) < options.minBytes) {
      signals.push(makeSignal(signals.length));
      result = build();
    }
  }
  return result;
}

/**
 * A 4.0 VEHICLE_ERROR payload (`state` ERROR by default, or RESOLVED).
 *
 * @example
 * ```ts
 * const body = JSON.stringify(buildVehicleError({ vehicleId: 'veh-1', state: 'RESOLVED' }));
 * ```
 */
export function buildVehicleError(options: VehicleErrorOptions = {}): Record<string, unknown> {
  const vehicleId = options.vehicleId ?? randomUUID();
  const state = options.state ?? 'ERROR';
  const error: Record<string, unknown> = {
    type: 'VEHICLE_STATE',
    code: 'UNREACHABLE',
    state,
    description: 'The vehicle did not respond to the request.',
    docURL: 'https://smartcar.com/docs/errors/api-errors/vehicle-state-errors#unreachable',
    resolution: { type: 'RETRY_LATER' },
    signals: [{ code: 'location-preciselocation', name: 'PreciseLocation', group: 'Location' }],
  };
  if (state === 'ERROR') error.suggestedUserMessage = 'Your car is out of reach. Try again when it has signal.';
  const payload: Record<string, unknown> = { eventId: options.eventId ?? randomUUID(), eventType: 'VEHICLE_ERROR' };
  if ((options.variant ?? 'reference') === 'reference') payload.vehicleId = vehicleId;
  payload.data = {
    user: { id: 'usr-local-0001' },
    vehicle: { id: vehicleId, make: 'TESLA', model: 'Model 3', year: 2022 },
    errors: [error],
  };
  payload.meta = meta(options);
  return payload;
}

/** Headers Smartcar sends with a delivery of `body`, signed with `amt`. */
export function signedHeaders(body: string | Buffer, amt: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Smartcar/local',
    'sc-signature': computeSignature(amt, body),
  };
}
