import { QUARANTINE_REASON } from '../core/quarantine-layout.ts';
import type { SignedBodyVerdict } from './classify.ts';
import { OUTCOME_CODE } from './constants.ts';
import { enqueue } from './enqueue.ts';
import { quarantineDelivery } from './quarantine.ts';
import type { Decision } from './types/decision.ts';
import type { ResolvedReceiverDependencies } from './types/dependencies.ts';
import type { NormalizedRequest, RawBody } from './types/request.ts';

/**
 * The error SQS gives a body with characters it does not store: `InvalidMessageContents`, or its
 * query-compatible spelling `AWS.SimpleQueueService.InvalidMessageContents`.
 */
function isInvalidMessageContents(error: unknown): boolean {
  const name = (error as Error)?.name ?? '';
  return name === 'InvalidMessageContents' || name.endsWith('.InvalidMessageContents');
}

/**
 * A signed delivery `classifySignedBody` found ready for the queue: what gets persisted.
 *
 * @example
 * ```ts
 * const delivery: SignedDelivery = { request, raw, verdict, receivedAt: Date.now() };
 * ```
 */
export interface SignedDelivery {
  request: NormalizedRequest;
  raw: RawBody;
  verdict: Extract<SignedBodyVerdict, { kind: 'deliver' }>;
  /** Epoch ms: the same instant as the `receivedAt` attribute. */
  receivedAt: number;
}

/**
 * Persists one signed delivery: its raw body, byte for byte, with its ids as message attributes,
 * in one SendMessage. `enqueued` means SQS stored it, so the 200 that follows is a promise kept.
 *
 * - SQS refuses characters the classifier let through (its rule and SQS's ever drifting apart):
 *   no retry could store the body, so it goes to the quarantine instead.
 * - Anything else failing (after the client's retries): 503 `enqueue_failed`, so Smartcar retries.
 *
 * @example
 * ```ts
 * const decision = await persistDelivery(deps, { request, raw, verdict, receivedAt });
 * // { code: 'enqueued', eventType: 'VEHICLE_STATE', eventId: 'evt-1', details: { deliveryId, messageId } }
 * ```
 */
export async function persistDelivery(
  deps: Pick<ResolvedReceiverDependencies, 'sqs' | 'queueUrl' | 'quarantine'>,
  { request, raw, verdict, receivedAt }: SignedDelivery,
): Promise<Decision> {
  const { envelope, eventType } = verdict;
  const ids = { eventType, eventId: envelope.eventId };
  try {
    const messageId = await enqueue(deps.sqs, deps.queueUrl, raw.text, verdict.attributes);
    return { code: OUTCOME_CODE.ENQUEUED, ...ids, details: { deliveryId: envelope.deliveryId, messageId } };
  } catch (error) {
    if (isInvalidMessageContents(error)) {
      return quarantineDelivery(deps, {
        route: request.route,
        raw,
        reason: QUARANTINE_REASON.CHARACTERS_SQS_REFUSES,
        receivedAt,
        envelope,
      });
    }
    return {
      code: OUTCOME_CODE.ENQUEUE_FAILED,
      ...ids,
      details: { deliveryId: envelope.deliveryId, error: (error as Error)?.name ?? 'unknown' },
    };
  }
}
