import { answerSignedVerify } from './challenge-answer.ts';
import { classifySignedBody } from './classify.ts';
import { OUTCOME_CODE } from './constants.ts';
import { persistDelivery } from './persist-delivery.ts';
import { quarantineDelivery } from './quarantine.ts';
import type { Decision } from './types/decision.ts';
import type { ResolvedReceiverDependencies } from './types/dependencies.ts';
import type { NormalizedRequest, RawBody } from './types/request.ts';

/**
 * Decides a request whose signature matched `signedWith`: Smartcar sent it, so the body is
 * trusted and classified once (`classify.ts`). A VERIFY is answered; a delivery outside the
 * replay window is refused (`stale_delivery`, see `delivery-age.ts`); a body the queue or the
 * processor cannot take (not UTF-8, not a JSON object, no event type, an over-long `eventId`,
 * too large, characters SQS refuses) is stored in the quarantine and answered 200 once stored
 * (`quarantine.ts`); everything else is persisted to SQS. An event with no readable
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
