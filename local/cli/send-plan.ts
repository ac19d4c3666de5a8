import { randomBytes, randomUUID } from 'node:crypto';
import { computeSignature } from '../../lambda/core/signature.ts';
import {
  buildVehicleError,
  buildVehicleState,
  buildVerify,
  signedHeaders,
  type PayloadVariant,
} from '../events.ts';
import { describePayload, type PayloadDescription } from './describe-payload.ts';

/** Which payload the send CLI builds. */
export type SendKind = 'verify' | 'state' | 'error';

export interface SendPlanOptions {
  kind: SendKind;
  /** Send these bytes as they are instead of building a payload. */
  file?: Buffer;
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
 * the same `eventId` and a new `deliveryId`/`deliveredAt` (a `--file` is resent byte for byte).
 *
 * @example
 * ```ts
 * const deliveries = planDeliveries({ kind: 'state', amt, count: 10, duplicateRate: 0.2, badSignature: false });
 * deliveries.length; // 12
 * ```
 */
export function planDeliveries(options: SendPlanOptions): Delivery[] {
  const duplicates = Math.round(options.count * options.duplicateRate);
  const deliveries: Delivery[] = [];
  for (let i = 0; i < options.count; i++) {
    const payload = options.file ? undefined : buildPayload(options);
    const original = payload ? JSON.stringify(payload) : options.file!;
    deliveries.push(makeDelivery(options, original, false));
    if (i < duplicates) {
      deliveries.push(makeDelivery(options, payload ? JSON.stringify(redeliver(payload)) : original, true));
    }
  }
  return deliveries;
}

function buildPayload(options: SendPlanOptions): Record<string, unknown> {
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
        ...(options.stateOfCharge !== undefined ? { stateOfCharge: options.stateOfCharge } : {}),
        ...(options.variant ? { variant: options.variant } : {}),
      });
  }
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
