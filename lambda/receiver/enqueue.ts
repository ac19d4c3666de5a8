import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { MESSAGE_ATTRIBUTE, type RouteKind } from '../core/constants.ts';
import { EnqueueUnconfirmedError } from './errors.ts';

/**
 * What the attributes of one persisted delivery say about it.
 *
 * @example
 * ```ts
 * const delivery: Delivery = { eventType: 'VEHICLE_STATE', eventId: 'evt-1', route: 'data', receivedAt: Date.now() };
 * ```
 */
export interface Delivery {
  eventType: string;
  eventId?: string;
  deliveryId?: string;
  route: RouteKind;
  /** Epoch milliseconds. */
  receivedAt: number;
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
