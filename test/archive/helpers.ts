import { randomBytes, randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { parseArchiveLine, serializeArchiveLine } from '../../lambda/core/archive-record.ts';
import { MESSAGE_ATTRIBUTE } from '../../lambda/core/constants.ts';
import type { ArchiveEntry } from '../../lambda/processor/types.ts';
import { sqsRecord } from '../processor/helpers/factories.ts';

/** Options of {@link deliveryRecord}: the attributes the receiver (or the replay) sets. */
export interface DeliveryRecordOptions {
  messageId?: string;
  receivedAt?: number;
  route?: string;
  deliveryId?: string;
  replayId?: string;
  receiveCount?: number;
}

/**
 * An SQS record as the receiver enqueues a delivery: the raw body plus the `eventId`,
 * `eventType`, `deliveryId`, `route` and `receivedAt` message attributes (and `replayId` when the
 * replay sent it), in the shape Lambda's SQS event gives them.
 */
export function deliveryRecord(body: Record<string, unknown> | string, options: DeliveryRecordOptions = {}): SQSRecord {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const parsed = typeof body === 'string' ? (JSON.parse(body) as Record<string, unknown>) : body;
  const record = sqsRecord(text, {
    messageId: options.messageId ?? randomUUID(),
    ...(options.receiveCount ? { receiveCount: options.receiveCount } : {}),
  });
  const string = (value: string) => ({
    stringValue: value,
    dataType: 'String',
    stringListValues: [],
    binaryListValues: [],
  });
  record.messageAttributes = {
    [MESSAGE_ATTRIBUTE.EVENT_ID]: string(String(parsed.eventId)),
    [MESSAGE_ATTRIBUTE.EVENT_TYPE]: string(String(parsed.eventType)),
    [MESSAGE_ATTRIBUTE.DELIVERY_ID]: string(options.deliveryId ?? `dlv-${randomUUID()}`),
    [MESSAGE_ATTRIBUTE.ROUTE]: string(options.route ?? 'data'),
    [MESSAGE_ATTRIBUTE.RECEIVED_AT]: {
      stringValue: String(options.receivedAt ?? Date.now()),
      dataType: 'Number',
      stringListValues: [],
      binaryListValues: [],
    },
    ...(options.replayId ? { [MESSAGE_ATTRIBUTE.REPLAY_ID]: string(options.replayId) } : {}),
  };
  return record;
}

/**
 * An archive entry whose line carries `padBytes` of random base64 in its body: GZIP shrinks
 * base64 to about 3/4 and no further, so a test can make packed records of a known size.
 */
export function paddedArchiveEntry(id: string, padBytes: number): ArchiveEntry {
  const body = JSON.stringify({
    eventId: id,
    eventType: 'VEHICLE_STATE',
    pad: randomBytes(padBytes).toString('base64').slice(0, padBytes),
  });
  const line = serializeArchiveLine({ eventId: id, eventType: 'VEHICLE_STATE', route: 'data', receivedAt: 1, body });
  if (!line) throw new Error(`a pad of ${padBytes} bytes does not fit an archive line`);
  return { id, line };
}

/** The eventIds of archive lines, in order. */
export function eventIdsOf(lines: readonly string[]): Array<string | undefined> {
  return lines.map((line) => parseArchiveLine(line).eventId);
}
