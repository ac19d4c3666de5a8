import { epochMs } from '../../lambda/core/timestamp.ts';
import { vehicleIdOf } from '../../lambda/core/vehicle-id.ts';

/** What the CLIs can read from a webhook body for reporting; each field only when present. */
export interface PayloadDescription {
  eventType?: string;
  eventId?: string;
  vehicleId?: string;
  /** VERIFY: the challenge whose HMAC the answer must carry. */
  challenge?: string;
  /** The body's `meta.deliveredAt` as epoch ms, when it has a readable one (to explain a `stale_delivery`). */
  deliveredAt?: number;
}

/**
 * Reads a body's event type, eventId, vehicle id and (for a VERIFY) challenge without validating
 * it: the body need not be JSON at all (a `send --file`, a DLQ message), and then nothing is known.
 *
 * @example
 * ```ts
 * describePayload('{"eventType":"VERIFY","eventId":"e-1","data":{"challenge":"abc"}}');
 * // { eventType: 'VERIFY', eventId: 'e-1', challenge: 'abc' }
 * describePayload('not json'); // {}
 * ```
 */
export function describePayload(body: string | Buffer): PayloadDescription {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const root = parsed as Record<string, unknown>;
  const described: PayloadDescription = {};
  if (typeof root.eventType === 'string' && root.eventType) described.eventType = root.eventType;
  if (typeof root.eventId === 'string' && root.eventId) described.eventId = root.eventId;
  const vehicleId = vehicleIdOf(root);
  if (vehicleId) described.vehicleId = vehicleId;
  const deliveredAt = epochMs((root.meta as Record<string, unknown> | undefined)?.deliveredAt);
  if (deliveredAt !== undefined) described.deliveredAt = deliveredAt;
  const data = root.data as { challenge?: unknown } | undefined;
  if (root.eventType === 'VERIFY' && typeof data?.challenge === 'string') described.challenge = data.challenge;
  return described;
}
