import { SQS_MAX_MESSAGE_BYTES } from '../core/constants.ts';
import { OUTCOME_CODE } from './constants.ts';
import { deliveryAttributes, enqueue, messageSize } from './enqueue.ts';
import type { Envelope } from './envelope.ts';
import type { Decision } from './types/decision.ts';
import type { ResolvedReceiverDependencies } from './types/dependencies.ts';
import type { NormalizedRequest, RawBody } from './types/request.ts';

/** The error name SQS gives a body with characters it does not store. */
const SQS_INVALID_CONTENTS = 'InvalidMessageContents';

/**
 * A signed, parsed delivery with a known event type: what gets persisted.
 *
 * @example
 * ```ts
 * const delivery: SignedDelivery = { request, raw, envelope, eventType: 'VEHICLE_STATE' };
 * ```
 */
export interface SignedDelivery {
  request: NormalizedRequest;
  raw: RawBody;
  envelope: Extract<Envelope, { kind: 'event' }>;
  eventType: string;
}

/**
 * Persists one signed delivery: its raw body, byte for byte, with its ids as message attributes,
 * in one SendMessage. `enqueued` means SQS stored it, so the 200 that follows is a promise kept.
 *
 * - Too big for SQS once the attributes are counted (a body within the receiver's limit may
 *   still not fit): 413 `payload_too_large`, nothing sent.
 * - SQS refuses characters JSON allows (U+FFFE, U+FFFF): no retry could ever store the body, so
 *   it is bad input, 400 `bad_request`, not an outage.
 * - Anything else failing (after the client's retries): 503 `enqueue_failed`, so Smartcar retries.
 *
 * @example
 * ```ts
 * const decision = await persistDelivery(deps, { request, raw, envelope, eventType: 'VEHICLE_STATE' });
 * // { code: 'enqueued', eventType: 'VEHICLE_STATE', eventId: 'evt-1', details: { deliveryId, messageId } }
 * ```
 */
export async function persistDelivery(
  deps: Pick<ResolvedReceiverDependencies, 'sqs' | 'queueUrl' | 'now'>,
  { request, raw, envelope, eventType }: SignedDelivery,
): Promise<Decision> {
  const ids = { eventType, eventId: envelope.eventId };
  const attributes = deliveryAttributes({
    eventType,
    eventId: envelope.eventId,
    deliveryId: envelope.deliveryId,
    route: request.route,
    receivedAt: deps.now(),
  });
  if (messageSize(raw.text, attributes) > SQS_MAX_MESSAGE_BYTES) {
    return { code: OUTCOME_CODE.PAYLOAD_TOO_LARGE, ...ids, details: { deliveryId: envelope.deliveryId } };
  }
  try {
    const messageId = await enqueue(deps.sqs, deps.queueUrl, raw.text, attributes);
    return { code: OUTCOME_CODE.ENQUEUED, ...ids, details: { deliveryId: envelope.deliveryId, messageId } };
  } catch (error) {
    if ((error as Error)?.name === SQS_INVALID_CONTENTS) {
      return { code: OUTCOME_CODE.BAD_REQUEST, ...ids, details: { reason: 'characters_sqs_refuses' } };
    }
    return {
      code: OUTCOME_CODE.ENQUEUE_FAILED,
      ...ids,
      details: { deliveryId: envelope.deliveryId, error: (error as Error)?.name ?? 'unknown' },
    };
  }
}
