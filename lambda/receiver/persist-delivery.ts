// Where an authentic body goes before it is answered: SQS (one SendMessage), or the quarantine
// (S3) when the queue or the processor cannot take it.
import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { MESSAGE_ATTRIBUTE } from '../core/constants.ts';
import { QUARANTINE_REASON, type QuarantineStore, quarantineKey, toS3Metadata } from '../core/quarantine-layout.ts';
import { loadReceiverS3Client, loadS3Module, type S3Module } from './clients.ts';
import { OUTCOME_CODE } from './constants.ts';
import { EnqueueUnconfirmedError } from './errors.ts';
import { clipId } from './request.ts';
import type {
  Decision,
  Delivery,
  QuarantineCandidate,
  ResolvedReceiverDependencies,
  S3QuarantineStoreOptions,
  SignedDelivery,
} from './types.ts';

/**
 * The error SQS gives a body with characters it does not store: `InvalidMessageContents`, or its
 * query-compatible spelling `AWS.SimpleQueueService.InvalidMessageContents`.
 */
function isInvalidMessageContents(error: unknown): boolean {
  const name = (error as Error)?.name ?? '';
  return name === 'InvalidMessageContents' || name.endsWith('.InvalidMessageContents');
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

function stringAttribute(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

/**
 * The message attributes of a delivery. SQS rejects empty attribute values, so absent ids are
 * left out rather than sent empty.
 *
 * @example
 * ```ts
 * deliveryAttributes({ eventType: 'VEHICLE_STATE', eventId: 'e-1', route: 'data', receivedAt: Date.now() });
 * ```
 */
export function deliveryAttributes(delivery: Delivery): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    [MESSAGE_ATTRIBUTE.EVENT_TYPE]: stringAttribute(delivery.eventType),
    [MESSAGE_ATTRIBUTE.ROUTE]: stringAttribute(delivery.route),
    [MESSAGE_ATTRIBUTE.RECEIVED_AT]: { DataType: 'Number', StringValue: String(delivery.receivedAt) },
  };
  if (delivery.eventId) attributes[MESSAGE_ATTRIBUTE.EVENT_ID] = stringAttribute(delivery.eventId);
  if (delivery.deliveryId) attributes[MESSAGE_ATTRIBUTE.DELIVERY_ID] = stringAttribute(delivery.deliveryId);
  return attributes;
}

/**
 * Size SQS counts against its message limit: the body plus, for every attribute, its name,
 * data type and value, all in UTF-8 bytes.
 *
 * @example
 * ```ts
 * if (messageSize(body, attributes) > SQS_MAX_MESSAGE_BYTES) return respond('payload_too_large');
 * ```
 */
export function messageSize(body: string, attributes: Record<string, MessageAttributeValue>): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    size +=
      Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

/**
 * Sends one delivery to the queue and resolves with the MessageId only once SQS has stored it;
 * rejects otherwise (after the client's own retries), so the caller never acknowledges a delivery
 * that was not persisted.
 *
 * @example
 * ```ts
 * const messageId = await enqueue(sqs, queueUrl, rawBodyText, deliveryAttributes(delivery));
 * ```
 */
export async function enqueue(
  sqs: SQSClient,
  queueUrl: string,
  body: string,
  attributes: Record<string, MessageAttributeValue>,
): Promise<string> {
  const result = await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageAttributes: attributes }),
  );
  if (!result.MessageId) throw new EnqueueUnconfirmedError();
  return result.MessageId;
}

/**
 * The quarantine in S3: one `PutObject` per delivery, the body byte for byte under
 * `quarantine/<reason>/YYYY/MM/DD/HH/<id>`, its metadata as `x-amz-meta-*`; the bucket's default
 * encryption applies. `put` resolves only once S3 has stored the object. The S3 module is loaded
 * on the first quarantine, not at init, so the hot path's cold start pays nothing for it.
 *
 * @example
 * ```ts
 * const quarantine = createS3QuarantineStore({ bucket: 'smartcar-archive-abc' });
 * const key = await quarantine.put({ reason: 'not_utf8', receivedAt: Date.now(), route: 'data', body });
 * ```
 */
export function createS3QuarantineStore(options: S3QuarantineStoreOptions): QuarantineStore {
  const uuid = options.uuid ?? randomUUID;
  let loaded: Promise<{ client: S3Client; PutObjectCommand: S3Module['PutObjectCommand'] }> | undefined;
  const load = () => {
    loaded ??= (async () => {
      const module = await loadS3Module();
      const client = options.client ?? (await loadReceiverS3Client(options.connection));
      return { client, PutObjectCommand: module.PutObjectCommand };
    })().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  return {
    async put(delivery) {
      const { client, PutObjectCommand } = await load();
      const key = quarantineKey(delivery, uuid());
      await client.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: key,
          Body: delivery.body,
          ContentType: 'application/octet-stream',
          Metadata: toS3Metadata(delivery),
        }),
      );
      return key;
    },
  };
}

/**
 * Stores a signed body that cannot be processed normally in the quarantine, byte for byte, before
 * it is answered: `quarantined` (200) once stored, so Smartcar stops retrying and nothing is lost;
 * `quarantine_failed` (503) when the store failed, so Smartcar retries.
 *
 * @example
 * ```ts
 * return quarantineDelivery(deps, { route: request.route, raw, reason: 'missing_event_type', receivedAt, envelope });
 * ```
 */
export async function quarantineDelivery(
  deps: Pick<ResolvedReceiverDependencies, 'quarantine'>,
  candidate: QuarantineCandidate,
): Promise<Decision> {
  const { envelope, reason } = candidate;
  const ids = { eventType: clipId(envelope?.eventType), eventId: clipId(envelope?.eventId) };
  const deliveryId = clipId(envelope?.deliveryId);
  try {
    const key = await deps.quarantine.put({
      reason,
      receivedAt: candidate.receivedAt,
      route: candidate.route,
      body: candidate.raw.bytes,
      ...(envelope?.deliveryId ? { deliveryId: envelope.deliveryId } : {}),
      ...(envelope?.eventId ? { eventId: envelope.eventId } : {}),
      ...(envelope?.eventType ? { eventType: envelope.eventType } : {}),
    });
    return { code: OUTCOME_CODE.QUARANTINED, ...ids, details: { reason, deliveryId, key } };
  } catch (error) {
    return {
      code: OUTCOME_CODE.QUARANTINE_FAILED,
      ...ids,
      details: { reason, deliveryId, error: (error as Error)?.name ?? 'unknown' },
    };
  }
}
