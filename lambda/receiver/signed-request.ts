import { answerSignedVerify } from './challenge-answer.ts';
import { OUTCOME_CODE } from './constants.ts';
import { checkDeliveryAge } from './delivery-age.ts';
import { parseEnvelope } from './envelope.ts';
import { persistDelivery } from './persist-delivery.ts';
import type { Decision } from './types/decision.ts';
import type { ResolvedReceiverDependencies } from './types/dependencies.ts';
import type { NormalizedRequest, RawBody } from './types/request.ts';

function isUtf8(raw: RawBody): boolean {
  return Buffer.byteLength(raw.text, 'utf8') === raw.bytes.length && Buffer.from(raw.text, 'utf8').equals(raw.bytes);
}

/**
 * Decides a request whose signature matched `signedWith`: Smartcar sent it, so the body is
 * trusted and parsed once. A VERIFY is answered; an event is persisted unless it is not UTF-8,
 * not a JSON object, has no event type, or its `meta.deliveredAt` is outside the replay window
 * (`stale_delivery`, see `delivery-age.ts`). An event with no readable `meta.deliveredAt` is
 * persisted and marked `ageUnchecked`, so a change on Smartcar's side gets counted, not dropped.
 *
 * @example
 * ```ts
 * const decision = await decideSignedRequest(deps, request, readRawBody(request), check.matchedToken);
 * ```
 */
export async function decideSignedRequest(
  deps: Pick<ResolvedReceiverDependencies, 'sqs' | 'queueUrl' | 'now' | 'deliveryToleranceSeconds'>,
  request: NormalizedRequest,
  raw: RawBody,
  signedWith: string,
): Promise<Decision> {
  // Smartcar sends UTF-8 JSON. Bytes that are not UTF-8 would reach SQS as different text (with
  // U+FFFD replacements) than what was signed, so they are refused rather than altered. Only a
  // base64 body can carry them: a plain body is already a string.
  if (request.isBase64Encoded && !isUtf8(raw)) {
    return { code: OUTCOME_CODE.BAD_REQUEST, details: { reason: 'not_utf8' } };
  }
  const envelope = parseEnvelope(raw.text);
  if (envelope.kind === 'invalid') return { code: OUTCOME_CODE.NOT_JSON_OBJECT };
  if (envelope.kind === 'verify') return answerSignedVerify(envelope, signedWith);
  if (envelope.eventType === undefined) {
    return { code: OUTCOME_CODE.MISSING_EVENT_TYPE, eventId: envelope.eventId };
  }
  const age = checkDeliveryAge(envelope.deliveredAt, deps.now(), deps.deliveryToleranceSeconds * 1000);
  if (age.verdict === 'stale' || age.verdict === 'future') {
    return {
      code: OUTCOME_CODE.STALE_DELIVERY,
      eventType: envelope.eventType,
      eventId: envelope.eventId,
      details: {
        deliveryId: envelope.deliveryId,
        deliveredAt: new Date(age.deliveredAt).toISOString(),
        ageSeconds: Math.round(age.ageMs / 1000),
        toleranceSeconds: deps.deliveryToleranceSeconds,
      },
    };
  }
  const decision = await persistDelivery(deps, { request, raw, envelope, eventType: envelope.eventType });
  if (decision.code === OUTCOME_CODE.ENQUEUED && (age.verdict === 'missing' || age.verdict === 'unreadable')) {
    return { ...decision, ageUnchecked: true, details: { ...decision.details, deliveryAge: age.verdict } };
  }
  return decision;
}
