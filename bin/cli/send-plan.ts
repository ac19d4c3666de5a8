import { randomBytes, randomUUID } from 'node:crypto';
import { computeSignature } from '../../lambda/core/signature.ts';
import { describePayload, type PayloadDescription } from './describe-payload.ts';
import { UsageError } from './errors.ts';
import {
  buildVehicleError,
  buildVehicleState,
  buildVerify,
  type PayloadVariant,
  signedHeaders,
} from './sample-events.ts';

/** Which payload the send CLI builds. */
export type SendKind = 'verify' | 'state' | 'error';

export interface SendPlanOptions {
  kind: SendKind;
  /** Send these bytes as they are instead of building a payload. */
  file?: Buffer;
  /**
   * With `file`: set its `meta.deliveredAt` to now (the JSON is re-serialised, then signed), so
   * an old capture passes the receiver's replay window. For local testing only.
   */
  restamp?: boolean;
  amt: string;
  /** Distinct events. */
  count: number;
  /** Share of events delivered a second time with the same `eventId`, as Smartcar retries do. */
  duplicateRate: number;
  /** Sign with a wrong key. */
  badSignature: boolean;
  /** Exact status to expect instead of the default for the kind. */
  expectStatus?: number;
  variant?: PayloadVariant;
  mode?: 'LIVE' | 'TEST';
  vehicleId?: string;
  signalCount?: number;
  /** VEHICLE_STATE with exactly these catalogue signals (their example bodies), or `'all'` of them. */
  signalCodes?: 'all' | readonly string[];
  stateOfCharge?: number;
  errorState?: 'ERROR' | 'RESOLVED';
  challenge?: string;
  eventId?: string;
}

/** One HTTP request to make, what its answer must be, and what its body says (for reporting). */
export interface Delivery extends PayloadDescription {
  body: Buffer;
  headers: Record<string, string>;
  /** True for a redelivery of an event already in the plan. */
  duplicate: boolean;
  /** An exact status, or `2xx`. */
  expect: number | '2xx';
}

/**
 * Plans the requests of one `npm run send`: `count` events, a deterministic
 * `round(count * duplicateRate)` of them (the first ones) each followed by a redelivery with
 * the same `eventId` and a new `deliveryId`/`deliveredAt` (a `--file` is resent byte for byte,
 * unless `restamp` gave it a fresh `deliveredAt`: then its redelivery gets another).
 *
 * @throws UsageError when `restamp` is asked for without a file, or the file is not a JSON object.
 *
 * @example
 * ```ts
 * const deliveries = planDeliveries({ kind: 'state', amt, count: 10, duplicateRate: 0.2, badSignature: false });
 * deliveries.length; // 12
 * ```
 */
export function planDeliveries(options: SendPlanOptions): Delivery[] {
  if (options.restamp && !options.file)
    throw new UsageError('--restamp only applies to --file (built events are stamped now anyway)');
  const duplicates = Math.round(options.count * options.duplicateRate);
  const deliveries: Delivery[] = [];
  for (let i = 0; i < options.count; i++) {
    const payload = options.file ? (options.restamp ? restamp(options.file) : undefined) : buildPayload(options);
    const original = payload ? JSON.stringify(payload) : options.file!;
    deliveries.push(makeDelivery(options, original, false));
    if (i < duplicates) {
      deliveries.push(makeDelivery(options, payload ? JSON.stringify(redeliver(payload)) : original, true));
    }
  }
  return deliveries;
}

/**
 * The payload `npm run send` builds for one event of `options.kind` (what `--print` writes).
 *
 * @example
 * ```ts
 * const body = buildPayload({ kind: 'state', vehicleId: 'veh-1' }); // a VEHICLE_STATE event
 * ```
 */
export function buildPayload(
  options: Pick<
    SendPlanOptions,
    | 'kind'
    | 'eventId'
    | 'mode'
    | 'challenge'
    | 'vehicleId'
    | 'errorState'
    | 'variant'
    | 'signalCount'
    | 'signalCodes'
    | 'stateOfCharge'
  >,
): Record<string, unknown> {
  const common = {
    ...(options.eventId ? { eventId: options.eventId } : {}),
    ...(options.mode ? { mode: options.mode } : {}),
  };
  switch (options.kind) {
    case 'verify':
      return buildVerify({ ...common, ...(options.challenge ? { challenge: options.challenge } : {}) });
    case 'error':
      return buildVehicleError({
        ...common,
        ...(options.vehicleId ? { vehicleId: options.vehicleId } : {}),
        ...(options.errorState ? { state: options.errorState } : {}),
        ...(options.variant ? { variant: options.variant } : {}),
      });
    case 'state':
      return buildVehicleState({
        ...common,
        ...(options.vehicleId ? { vehicleId: options.vehicleId } : {}),
        ...(options.signalCount !== undefined ? { signalCount: options.signalCount } : {}),
        ...(options.signalCodes ? { signalCodes: options.signalCodes } : {}),
        ...(options.stateOfCharge !== undefined ? { stateOfCharge: options.stateOfCharge } : {}),
        ...(options.variant ? { variant: options.variant } : {}),
      });
  }
}

/**
 * A captured body with `meta.deliveredAt` set to now, in the form it had (an ISO-8601 string
 * stays one; anything else becomes epoch ms, Smartcar's usual form).
 */
function restamp(file: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(file.toString('utf8'));
  } catch {
    throw new UsageError('--restamp needs a JSON file: this one does not parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError('--restamp needs a JSON object with a meta object');
  }
  const payload = parsed as Record<string, unknown>;
  const meta =
    typeof payload.meta === 'object' && payload.meta !== null ? (payload.meta as Record<string, unknown>) : {};
  const now = Date.now();
  const deliveredAt =
    typeof meta.deliveredAt === 'string' && !/^\d+$/.test(meta.deliveredAt) ? new Date(now).toISOString() : now;
  return { ...payload, meta: { ...meta, deliveredAt } };
}

/** A retry of `payload`: same event, new delivery identity. */
function redeliver(payload: Record<string, unknown>): Record<string, unknown> {
  const meta = (payload.meta ?? {}) as Record<string, unknown>;
  return { ...payload, meta: { ...meta, deliveryId: randomUUID(), deliveredAt: Date.now() } };
}

function makeDelivery(options: SendPlanOptions, body: string | Buffer, duplicate: boolean): Delivery {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const headers = signedHeaders(bytes, options.amt);
  if (options.badSignature) headers['sc-signature'] = computeSignature(randomBytes(16).toString('hex'), bytes);
  const described = describePayload(bytes);
  let expect: Delivery['expect'] = '2xx';
  if (options.expectStatus !== undefined) expect = options.expectStatus;
  // An unsigned VERIFY with an opaque challenge is still answered (the receiver's documented rule).
  else if (described.eventType === 'VERIFY') expect = 200;
  else if (options.badSignature) expect = 401;
  return { body: bytes, headers, duplicate, expect, ...described };
}
