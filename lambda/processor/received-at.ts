import type { SQSRecord } from 'aws-lambda';
import { MESSAGE_ATTRIBUTE } from '../core/constants.ts';

/**
 * When the receiver accepted the delivery an SQS record carries, epoch ms: its `receivedAt`
 * attribute (a replayed copy keeps the original's), else SQS's `SentTimestamp` (a message sent
 * by hand), else `undefined`.
 *
 * @example
 * ```ts
 * receivedAtOf(record); // 1764583200000
 * ```
 */
export function receivedAtOf(record: SQSRecord): number | undefined {
  const attribute = record.messageAttributes?.[MESSAGE_ATTRIBUTE.RECEIVED_AT]?.stringValue || undefined;
  const receivedAt = Number(attribute ?? record.attributes?.SentTimestamp);
  return Number.isFinite(receivedAt) ? receivedAt : undefined;
}
