/**
 * What one parse of the body tells the receiver.
 *
 * @example
 * ```ts
 * const envelope: Envelope = parseEnvelope(raw.text);
 * if (envelope.kind === 'verify') answer(envelope.challenge);
 * ```
 */
export type Envelope =
  /** Not JSON, or JSON that is not an object (array, string, number, null). */
  | { kind: 'invalid' }
  /** A 4.0 `eventType: VERIFY` or legacy 2.0 `eventName: verify`; `challenge` when it is a string. */
  | { kind: 'verify'; challenge: string | undefined; eventId?: string; deliveryId?: string }
  /**
   * Anything else; `eventType` is missing when neither `eventType` nor legacy `eventName` is a
   * non-empty string. `deliveredAt` is `meta.deliveredAt` as sent (number, string, or anything),
   * for the delivery-age check.
   */
  | { kind: 'event'; eventType: string | undefined; eventId?: string; deliveryId?: string; deliveredAt?: unknown };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Parses a webhook body once and classifies it. Legacy 2.0 payloads have no `eventType`: their
 * `eventName` stands in for it, so a signed legacy delivery is still persisted (the processor
 * acknowledges it) rather than refused and lost.
 *
 * @example
 * ```ts
 * parseEnvelope('{"eventType":"VERIFY","data":{"challenge":"abc"}}');
 * // { kind: 'verify', challenge: 'abc', eventId: undefined, deliveryId: undefined }
 * ```
 */
export function parseEnvelope(text: string): Envelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'invalid' };
  }
  if (!isObject(parsed)) return { kind: 'invalid' };
  const eventId = nonEmptyString(parsed.eventId);
  const meta = isObject(parsed.meta) ? parsed.meta : undefined;
  const deliveryId = meta ? nonEmptyString(meta.deliveryId) : undefined;
  const eventType = nonEmptyString(parsed.eventType);
  const legacyName = nonEmptyString(parsed.eventName);
  if (eventType?.toUpperCase() === 'VERIFY') {
    const challenge = isObject(parsed.data) ? parsed.data.challenge : undefined;
    return { kind: 'verify', challenge: typeof challenge === 'string' ? challenge : undefined, eventId, deliveryId };
  }
  if (eventType === undefined && legacyName?.toLowerCase() === 'verify') {
    const challenge = isObject(parsed.payload) ? parsed.payload.challenge : undefined;
    return { kind: 'verify', challenge: typeof challenge === 'string' ? challenge : undefined, eventId, deliveryId };
  }
  return { kind: 'event', eventType: eventType ?? legacyName, eventId, deliveryId, deliveredAt: meta?.deliveredAt };
}
