import type { SQSRecord } from 'aws-lambda';
import { type ArchivedDelivery, serializeArchiveLine } from '../../core/archive-record.ts';
import { MESSAGE_ATTRIBUTE } from '../../core/constants.ts';
import { receivedAtOf } from '../received-at.ts';
import type { ArchiveEntry, ArchiveOutcome, ArchiveWriter } from '../types.ts';

/**
 * The delivery an SQS record carries, with the attributes the receiver set. `receivedAt` falls
 * back to SQS's `SentTimestamp` for a message sent by hand (no attribute).
 *
 * @example
 * ```ts
 * archivedDeliveryOf(record); // { eventId: 'e-1', eventType: 'VEHICLE_STATE', route: 'data', receivedAt: 1764..., body }
 * ```
 */
export function archivedDeliveryOf(record: SQSRecord): ArchivedDelivery {
  const attribute = (name: string): string | undefined => record.messageAttributes?.[name]?.stringValue || undefined;
  const eventId = attribute(MESSAGE_ATTRIBUTE.EVENT_ID);
  const deliveryId = attribute(MESSAGE_ATTRIBUTE.DELIVERY_ID);
  return {
    ...(eventId ? { eventId } : {}),
    eventType: attribute(MESSAGE_ATTRIBUTE.EVENT_TYPE) ?? 'UNKNOWN',
    ...(deliveryId ? { deliveryId } : {}),
    route: attribute(MESSAGE_ATTRIBUTE.ROUTE) ?? '',
    receivedAt: receivedAtOf(record) ?? 0,
    body: record.body,
  };
}

/** True for a copy sent by `npm run replay`: it came from the archive, so it is not archived again. */
export function isReplay(record: SQSRecord): boolean {
  return Boolean(record.messageAttributes?.[MESSAGE_ATTRIBUTE.REPLAY_ID]?.stringValue);
}

/**
 * The archive step of one batch, before any handler runs: every record but replays is written
 * with one `writer.write` call. A record whose line cannot fit a Firehose record even gzipped,
 * or whose write failed, is in `failed`, so the processor fails it without running its handler.
 *
 * @example
 * ```ts
 * const { failed } = await archiveBatch(writer, sqsEvent.Records);
 * if (failed.has(record.messageId)) throw new ArchiveError(failed.get(record.messageId));
 * ```
 */
export async function archiveBatch(writer: ArchiveWriter, records: readonly SQSRecord[]): Promise<ArchiveOutcome> {
  const failed = new Map<string, string>();
  const entries: ArchiveEntry[] = [];
  for (const record of records) {
    if (isReplay(record)) continue;
    const line = serializeArchiveLine(archivedDeliveryOf(record));
    if (line) entries.push({ id: record.messageId, line });
    else failed.set(record.messageId, 'the record does not fit a Firehose record (1,000 KiB) even gzipped');
  }
  if (entries.length === 0) return { failed, archived: 0 };
  let writeFailed: Map<string, string>;
  try {
    writeFailed = (await writer.write(entries)).failed;
  } catch (error) {
    // A writer should report failures per entry; one that throws failed them all.
    writeFailed = new Map(entries.map((entry) => [entry.id, `the archive write threw (${(error as Error).message})`]));
  }
  for (const [id, reason] of writeFailed) failed.set(id, reason);
  return { failed, archived: entries.length - writeFailed.size };
}
