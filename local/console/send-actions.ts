import { type Delivery, planDeliveries, type SendKind } from '../../bin/cli/send-plan.ts';
import { ROUTES } from '../../lambda/core/constants.ts';
import { describeSignal } from '../../lib/signal-catalogue.ts';
import type { LocalDeliveryDetail } from '../api/types.ts';

/** Where the console's sends go, and the AMT they are signed with. */
export interface SendTarget {
  amt: string;
  /** Base URL of the pipeline, e.g. `http://127.0.0.1:3000`. */
  url: string;
}

/** What one send answered. */
export interface SendResult {
  statusCode: number;
  eventId?: string;
  eventType?: string;
  body: string;
}

/** The kinds the console's Send buttons offer. */
export const SEND_KINDS: readonly SendKind[] = ['verify', 'state', 'error'];

/**
 * The `signals` of a Send request: `'all'`, a list of catalogue codes, or absent (the default
 * mix); `undefined` with the reason when it is none of these.
 *
 * @example
 * ```ts
 * requestedSignals(['charge-ischarging']); // { codes: ['charge-ischarging'] }
 * ```
 */
export function requestedSignals(value: unknown): { codes?: 'all' | string[]; invalid?: string } {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return {};
  if (value === 'all') return { codes: 'all' };
  if (!Array.isArray(value)) return { invalid: 'signals must be "all" or a list of signal codes' };
  const codes = value.map(String);
  const unknown = codes.filter((code) => !describeSignal(code));
  return unknown.length ? { invalid: `not signals of the catalogue: ${unknown.join(', ')}` } : { codes };
}

/**
 * Sends one signed sample delivery (built by `npm run send`'s own planner) to the pipeline's
 * webhook route over HTTP, so it goes through the receiver like any other delivery.
 *
 * @example
 * ```ts
 * await sendSample('state', { amt, url: pipeline.url }); // { statusCode: 200, eventId: '…', … }
 * await sendSample('state', { amt, url: pipeline.url }, ['charge-ischarging']); // one catalogue signal
 * ```
 */
export async function sendSample(
  kind: SendKind,
  target: SendTarget,
  signalCodes?: 'all' | readonly string[],
): Promise<SendResult> {
  const [delivery] = planDeliveries({
    kind,
    amt: target.amt,
    count: 1,
    duplicateRate: 0,
    badSignature: false,
    ...(signalCodes && { signalCodes }),
  });
  return post(`${target.url}${ROUTES.DATA_PATH}`, delivery!.body, delivery!.headers, delivery!);
}

/**
 * Sends a logged delivery's body again to the path it came in on, signed anew and with
 * `meta.deliveredAt` set to now (so the receiver's replay window accepts it): Smartcar's retry
 * of the same event, same eventId. A body that is not JSON is sent byte for byte.
 *
 * @example
 * ```ts
 * await resendDelivery(log.delivery(id)!, { amt, url: pipeline.url });
 * ```
 */
export async function resendDelivery(delivery: LocalDeliveryDetail, target: SendTarget): Promise<SendResult> {
  const file = Buffer.from(delivery.requestBody, 'utf8');
  let planned: Delivery | undefined;
  try {
    [planned] = planDeliveries({
      kind: 'state',
      file,
      restamp: true,
      amt: target.amt,
      count: 1,
      duplicateRate: 0,
      badSignature: false,
    });
  } catch {
    [planned] = planDeliveries({
      kind: 'state',
      file,
      amt: target.amt,
      count: 1,
      duplicateRate: 0,
      badSignature: false,
    });
  }
  return post(`${target.url}${delivery.path}`, planned!.body, planned!.headers, planned!);
}

async function post(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
  described: { eventId?: string; eventType?: string },
): Promise<SendResult> {
  const response = await fetch(url, { method: 'POST', headers, body });
  const result: SendResult = { statusCode: response.status, body: await response.text() };
  if (described.eventId) result.eventId = described.eventId;
  if (described.eventType) result.eventType = described.eventType;
  return result;
}
