import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { EVENT_ID_MAX_BYTES, type RouteKind, SQS_MAX_MESSAGE_BYTES } from '../core/constants.ts';
import { QUARANTINE_REASON, type QuarantineReason } from '../core/quarantine-layout.ts';
import { checkDeliveryAge, type DeliveryAge } from './delivery-age.ts';
import { deliveryAttributes, messageSize } from './enqueue.ts';
import { type Envelope, parseEnvelope } from './envelope.ts';
import type { RawBody } from './types/request.ts';

type EventEnvelope = Extract<Envelope, { kind: 'event' }>;

/**
 * What a signed body is, decided without any I/O: the one place that says which bodies go to the
 * queue, so the receiver and `npm run dlq -- quarantine requeue` can never disagree.
 *
 * @example
 * ```ts
 * const verdict: SignedBodyVerdict = classifySignedBody(raw, options);
 * if (verdict.kind === 'quarantine') await quarantine.put({ reason: verdict.reason, ... });
 * ```
 */
export type SignedBodyVerdict =
  /** A VERIFY challenge, answered by `challenge-answer.ts`. */
  | { kind: 'verify'; envelope: Extract<Envelope, { kind: 'verify' }> }
  /** Outside the replay window: refused, never stored (see `docs/quarantine.md`). */
  | { kind: 'stale'; envelope: EventEnvelope; age: Extract<DeliveryAge, { verdict: 'stale' | 'future' }> }
  /** Authentic but not processable as it is: stored in the quarantine. */
  | { kind: 'quarantine'; reason: QuarantineReason; envelope?: EventEnvelope }
  /** Ready for the queue: the exact text and attributes of the one SendMessage. */
  | {
      kind: 'deliver';
      envelope: EventEnvelope;
      eventType: string;
      attributes: Record<string, MessageAttributeValue>;
      /** `missing` or `unreadable` when `meta.deliveredAt` could not be checked. */
      ageUnchecked?: 'missing' | 'unreadable';
    };

/**
 * What {@link classifySignedBody} needs besides the body.
 *
 * @example
 * ```ts
 * const options: ClassifyOptions = { isBase64Encoded: false, route: 'data', receivedAt: Date.now(), toleranceMs: 900_000, maxBodyBytes: 1_048_576 };
 * ```
 */
export interface ClassifyOptions {
  /** The body came base64-encoded: only then can its bytes be other than UTF-8. */
  isBase64Encoded: boolean;
  route: RouteKind;
  /** Epoch ms: the `receivedAt` attribute, and the clock of the replay window. */
  receivedAt: number;
  /** Replay window in ms; 0 turns it off (a requeue: the window was checked when it arrived). */
  toleranceMs: number;
  maxBodyBytes: number;
}

/**
 * Characters outside the set SQS stores (SQS API Reference, `SendMessage`: `#x9 | #xA | #xD |
 * #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`). JSON allows U+FFFE and U+FFFF raw,
 * and escapes (`\uFFFF`, `\u0001`, lone surrogates) decode into the attribute values.
 */
const SQS_REFUSED_CHARACTER = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * The same set by UTF-16 code unit, plus every surrogate: a scan 5 times cheaper than the one
 * above (2.6 µs for 5 KB, 0.5 ms for 1 MB on Node 24), run on every delivery. Only a body it
 * flags (a control character, U+FFFE/U+FFFF, or any character outside the BMP, such as an
 * emoji) gets the exact check, which tells a valid surrogate pair from a lone one.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its purpose.
const MAYBE_SQS_REFUSED = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

function refusedBySqs(text: string): boolean {
  return MAYBE_SQS_REFUSED.test(text) && SQS_REFUSED_CHARACTER.test(text);
}

function isUtf8(raw: RawBody): boolean {
  return Buffer.byteLength(raw.text, 'utf8') === raw.bytes.length && Buffer.from(raw.text, 'utf8').equals(raw.bytes);
}

function sqsRefuses(text: string, attributes: Record<string, MessageAttributeValue>): boolean {
  if (refusedBySqs(text)) return true;
  return Object.values(attributes).some((value) => refusedBySqs(value.StringValue ?? ''));
}

/**
 * Classifies a body whose signature matched, cheapest checks first: UTF-8 (base64 bodies only),
 * one JSON parse, VERIFY, the replay window, then what the queue and the processor need: an event
 * type, an `eventId` a DynamoDB key can hold (`EVENT_ID_MAX_BYTES`), a size within
 * `maxBodyBytes` and SQS's limit, and only characters SQS stores. The replay window comes before
 * the quarantine reasons, so a replayed capture is refused rather than stored again.
 *
 * @example
 * ```ts
 * classifySignedBody(readRawBody(request), { isBase64Encoded: false, route: 'data', receivedAt: Date.now(), toleranceMs: 900_000, maxBodyBytes: 1_048_576 });
 * // { kind: 'deliver', eventType: 'VEHICLE_STATE', attributes: {...}, envelope: {...} }
 * ```
 */
export function classifySignedBody(raw: RawBody, options: ClassifyOptions): SignedBodyVerdict {
  // Smartcar sends UTF-8 JSON. Other bytes would reach SQS as different text (U+FFFD
  // replacements) than what was signed. Only a base64 body can carry them.
  if (options.isBase64Encoded && !isUtf8(raw)) return { kind: 'quarantine', reason: QUARANTINE_REASON.NOT_UTF8 };
  const envelope = parseEnvelope(raw.text);
  if (envelope.kind === 'invalid') return { kind: 'quarantine', reason: QUARANTINE_REASON.NOT_JSON_OBJECT };
  if (envelope.kind === 'verify') return { kind: 'verify', envelope };
  const age = checkDeliveryAge(envelope.deliveredAt, options.receivedAt, options.toleranceMs);
  if (age.verdict === 'stale' || age.verdict === 'future') return { kind: 'stale', envelope, age };
  const { eventType } = envelope;
  if (eventType === undefined) return { kind: 'quarantine', reason: QUARANTINE_REASON.MISSING_EVENT_TYPE, envelope };
  if (envelope.eventId !== undefined && Buffer.byteLength(envelope.eventId, 'utf8') > EVENT_ID_MAX_BYTES) {
    return { kind: 'quarantine', reason: QUARANTINE_REASON.EVENT_ID_TOO_LONG, envelope };
  }
  const attributes = deliveryAttributes({
    eventType,
    eventId: envelope.eventId,
    deliveryId: envelope.deliveryId,
    route: options.route,
    receivedAt: options.receivedAt,
  });
  if (raw.bytes.length > options.maxBodyBytes || messageSize(raw.text, attributes) > SQS_MAX_MESSAGE_BYTES) {
    return { kind: 'quarantine', reason: QUARANTINE_REASON.PAYLOAD_TOO_LARGE, envelope };
  }
  if (sqsRefuses(raw.text, attributes)) {
    return { kind: 'quarantine', reason: QUARANTINE_REASON.CHARACTERS_SQS_REFUSES, envelope };
  }
  const ageUnchecked = age.verdict === 'missing' || age.verdict === 'unreadable' ? age.verdict : undefined;
  return { kind: 'deliver', envelope, eventType, attributes, ...(ageUnchecked ? { ageUnchecked } : {}) };
}
