// A signed body: classified once, without I/O (VERIFY, too old, quarantine, or deliver), then
// answered, refused, quarantined or persisted.
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { EVENT_ID_MAX_BYTES, SQS_MAX_MESSAGE_BYTES } from '../core/constants.ts';
import { QUARANTINE_REASON } from '../core/quarantine-layout.ts';
import { epochMs } from '../core/timestamp.ts';
import { answerSignedVerify } from './challenge.ts';
import { OUTCOME_CODE } from './constants.ts';
import { deliveryAttributes, messageSize, persistDelivery, quarantineDelivery } from './persist-delivery.ts';
import { parseEnvelope } from './request.ts';
import type {
  ClassifyOptions,
  Decision,
  DeliveryAge,
  NormalizedRequest,
  RawBody,
  ResolvedReceiverDependencies,
  SignedBodyVerdict,
} from './types.ts';

/**
 * Decides a request whose signature matched `signedWith`: Smartcar sent it, so the body is
 * trusted and classified once (`classifySignedBody`, below). A VERIFY is answered; a delivery outside the
 * replay window is refused (`stale_delivery`, see `checkDeliveryAge`); a body the queue or the
 * processor cannot take (not UTF-8, not a JSON object, no event type, an over-long `eventId`,
 * too large, characters SQS refuses) is stored in the quarantine and answered 200 once stored
 * (`quarantineDelivery` in `persist-delivery.ts`); everything else is persisted to SQS. An event with no readable
 * `meta.deliveredAt` is persisted and marked `ageUnchecked`, so a change on Smartcar's side gets
 * counted, not dropped.
 *
 * @example
 * ```ts
 * const decision = await decideSignedRequest(deps, request, readRawBody(request), check.matchedToken);
 * ```
 */
export async function decideSignedRequest(
  deps: Pick<
    ResolvedReceiverDependencies,
    'sqs' | 'queueUrl' | 'quarantine' | 'now' | 'deliveryToleranceSeconds' | 'maxBodyBytes'
  >,
  request: NormalizedRequest,
  raw: RawBody,
  signedWith: string,
): Promise<Decision> {
  const receivedAt = deps.now();
  const verdict = classifySignedBody(raw, {
    isBase64Encoded: request.isBase64Encoded,
    route: request.route,
    receivedAt,
    toleranceMs: deps.deliveryToleranceSeconds * 1000,
    maxBodyBytes: deps.maxBodyBytes,
  });
  switch (verdict.kind) {
    case 'verify':
      return answerSignedVerify(verdict.envelope, signedWith);
    case 'stale':
      return {
        code: OUTCOME_CODE.STALE_DELIVERY,
        eventType: verdict.envelope.eventType,
        eventId: verdict.envelope.eventId,
        details: {
          deliveryId: verdict.envelope.deliveryId,
          deliveredAt: new Date(verdict.age.deliveredAt).toISOString(),
          ageSeconds: Math.round(verdict.age.ageMs / 1000),
          toleranceSeconds: deps.deliveryToleranceSeconds,
        },
      };
    case 'quarantine':
      return quarantineDelivery(deps, {
        route: request.route,
        raw,
        reason: verdict.reason,
        receivedAt,
        ...(verdict.envelope ? { envelope: verdict.envelope } : {}),
      });
    case 'deliver': {
      const decision = await persistDelivery(deps, { request, raw, verdict, receivedAt });
      if (decision.code === OUTCOME_CODE.ENQUEUED && verdict.ageUnchecked) {
        return { ...decision, ageUnchecked: true, details: { ...decision.details, deliveryAge: verdict.ageUnchecked } };
      }
      return decision;
    }
  }
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

/**
 * The replay window: how old (or how far ahead) a signed delivery's `meta.deliveredAt` may be.
 *
 * `SC-Signature` covers the body only, so a body captured once stays validly signed forever.
 * What makes a replay detectable is that Smartcar puts `meta.deliveredAt` inside the signed
 * bytes and refreshes it on every attempt (same `eventId`, new `deliveryId` and `deliveredAt`;
 * 4 attempts: the first, then retries 25 s, 50 s and 100 s later, each given 15 s to answer).
 * A real attempt therefore reaches the receiver seconds after its own `deliveredAt`; a replayed
 * capture carries the time of the delivery it was copied from.
 */

/**
 * Checks a signed delivery's `meta.deliveredAt` against the receiver's clock. `deliveredAt` is
 * the raw JSON value, read by the one rule of `lambda/core/timestamp.ts` (epoch seconds,
 * milliseconds, microseconds or nanoseconds told apart by magnitude, or an ISO-8601 string), the
 * rule the processor reads it by too: a capture stamped in seconds is as old as one in ms.
 *
 * Absent or unreadable values are accepted, not refused: the body is signed, so only Smartcar
 * can have produced it, and refusing it would drop a genuine event for good (every retry carries
 * the same shape). They are counted instead (`DeliveryAgeUnchecked`), so a change on Smartcar's
 * side shows up.
 *
 * @example
 * ```ts
 * checkDeliveryAge(Date.now() - 3_000, Date.now(), 900_000); // { verdict: 'fresh', ageMs: 3000, ... }
 * checkDeliveryAge('2020-01-01T00:00:00Z', Date.now(), 900_000).verdict; // 'stale'
 * ```
 */
export function checkDeliveryAge(deliveredAt: unknown, now: number, toleranceMs: number): DeliveryAge {
  if (toleranceMs <= 0) return { verdict: 'unchecked' };
  if (deliveredAt === undefined || deliveredAt === null) return { verdict: 'missing' };
  const at = epochMs(deliveredAt);
  if (at === undefined) return { verdict: 'unreadable' };
  const ageMs = now - at;
  if (ageMs > toleranceMs) return { verdict: 'stale', deliveredAt: at, ageMs };
  if (-ageMs > toleranceMs) return { verdict: 'future', deliveredAt: at, ageMs };
  return { verdict: 'fresh', deliveredAt: at, ageMs };
}
