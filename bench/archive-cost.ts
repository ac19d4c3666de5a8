import { buildVehicleState } from '../bin/cli/sample-events.ts';
import { serializeArchiveLine } from '../lambda/core/archive-record.ts';
import { packRecords } from '../lambda/processor/archive.ts';
import { MONTH_SECONDS } from './constants.ts';
import { BYTES_PER_GB, PRICES } from './prices.ts';
import { round } from './stats.ts';
import type { ArchiveSettings, CostLine } from './types.ts';

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** Firehose bills ingestion in 5 KB steps: every record is rounded up to the next 5 KB. */
const FIREHOSE_BILLING_STEP_BYTES = 5 * 1024;
const DAYS_PER_MONTH = 30;
/** Sample events packed, batch by batch, to measure the archive's records (a multiple of every usual batch size). */
const SAMPLE_EVENTS = 500;

/**
 * The archive's settings as synthesized: whether there is one, its retention and transition,
 * and Firehose's buffering interval (it writes at least one object per interval).
 *
 * @example
 * ```ts
 * archiveSettings(resources); // { enabled: true, retention_days: 365, infrequent_access_after_days: 30, buffering_interval_seconds: 300 }
 * ```
 */
export function archiveSettings(resources: readonly Resource[]): ArchiveSettings {
  const stream = resources.find((r) => r.Type === 'AWS::KinesisFirehose::DeliveryStream');
  const bucket = resources.find((r) => r.Type === 'AWS::S3::Bucket');
  if (!stream || !bucket)
    return { enabled: false, retention_days: 0, infrequent_access_after_days: 0, buffering_interval_seconds: 0 };
  const rule =
    ((bucket.Properties?.LifecycleConfiguration as { Rules?: Array<Record<string, unknown>> } | undefined)?.Rules ??
      [])[0] ?? {};
  const transitions = (rule.Transitions as Array<{ TransitionInDays: number }> | undefined) ?? [];
  const hints = (
    stream.Properties?.ExtendedS3DestinationConfiguration as
      | { BufferingHints?: { IntervalInSeconds?: number } }
      | undefined
  )?.BufferingHints;
  return {
    enabled: true,
    retention_days: Number(rule.ExpirationInDays ?? 0),
    infrequent_access_after_days: transitions[0]?.TransitionInDays ?? 0,
    buffering_interval_seconds: Number(hints?.IntervalInSeconds ?? 300),
  };
}

/**
 * What one archived event weighs, measured on the bench's own payload in batches of
 * `batchLines`: the archive line (the body JSON-escaped plus the delivery attributes), the
 * gzipped Firehose records the processor packs each batch into (`packRecords`, the processor's
 * own code), what Firehose bills for them (each record rounded up to 5 KB) per event, and what
 * they take in S3 per event (Firehose stores the records as they are).
 *
 * @example
 * ```ts
 * archiveRecordSizes(5120, 10); // { batch_lines: 10, line_bytes: 6099, records_per_batch: 1, packed_bytes: 2464, billed_bytes: 512, stored_bytes: 246 }
 * ```
 */
export function archiveRecordSizes(bodyBytes: number, batchLines: number): ArchiveRecordSizes {
  // The sample events carry random ids, so GZIP's output varies by a byte or so from one sample
  // to the next: one sample per body size and batch keeps every front door priced from the same figures.
  const key = `${bodyBytes}x${batchLines}`;
  const known = sampledSizes.get(key);
  if (known) return known;
  const sizes = sampleRecordSizes(bodyBytes, batchLines);
  sampledSizes.set(key, sizes);
  return sizes;
}

/** {@link archiveRecordSizes}: bytes are averages, per event unless said otherwise. */
export interface ArchiveRecordSizes {
  /** Events per processor batch the sizes are for. */
  batch_lines: number;
  line_bytes: number;
  /** Firehose records one batch packs into. */
  records_per_batch: number;
  /** GZIP size of one packed record. */
  packed_bytes: number;
  /** Firehose's billed bytes (each record rounded up to 5 KB), per event. */
  billed_bytes: number;
  /** S3 bytes per event: the packed records as stored. */
  stored_bytes: number;
}

const sampledSizes = new Map<string, ArchiveRecordSizes>();

function sampleRecordSizes(bodyBytes: number, batchLines: number): ArchiveRecordSizes {
  const entries = Array.from({ length: SAMPLE_EVENTS }, (_v, i) => {
    const body = JSON.stringify(buildVehicleState({ signalCount: 1, minBytes: bodyBytes, vehicleId: `veh-${i % 50}` }));
    const line = serializeArchiveLine({
      eventId: `evt-${i}`,
      eventType: 'VEHICLE_STATE',
      deliveryId: `dlv-${i}`,
      route: 'data',
      receivedAt: 1_800_000_000_000 + i,
      body,
    })!;
    return { id: `m-${i}`, line };
  });
  const records: number[] = [];
  for (let start = 0; start < entries.length; start += batchLines) {
    records.push(...packRecords(entries.slice(start, start + batchLines)).records.map((r) => r.data.length));
  }
  const events = entries.length;
  const billed = records.reduce(
    (sum, bytes) => sum + Math.ceil(bytes / FIREHOSE_BILLING_STEP_BYTES) * FIREHOSE_BILLING_STEP_BYTES,
    0,
  );
  const packed = records.reduce((sum, bytes) => sum + bytes, 0);
  return {
    batch_lines: batchLines,
    line_bytes: Math.round(entries.reduce((sum, entry) => sum + entry.line.length, 0) / events),
    records_per_batch: round(records.length / Math.ceil(events / batchLines), 2),
    packed_bytes: Math.round(packed / records.length),
    billed_bytes: Math.round(billed / events),
    stored_bytes: Math.round(packed / events),
  };
}

/**
 * The archive's lines of the cost per million events, for batches of `batchFill` events (rounded
 * to whole events): Firehose ingestion of the packed records, and S3 storage for the whole
 * retention (Standard until the transition, Standard-IA after). None when the stack has no archive.
 *
 * @example
 * ```ts
 * archiveCostLines(stack.archive, 5120, 9.98, line); // [Firehose ingestion, S3 storage for 365 days]
 * ```
 */
export function archiveCostLines(
  archive: ArchiveSettings,
  bodyBytes: number,
  batchFill: number,
  line: (item: string, usd: number, basis: string) => CostLine,
): CostLine[] {
  if (!archive.enabled) return [];
  const sizes = archiveRecordSizes(bodyBytes, Math.max(1, Math.round(batchFill)));
  const million = 1_000_000;
  const standardDays =
    archive.infrequent_access_after_days > 0
      ? Math.min(archive.infrequent_access_after_days, archive.retention_days)
      : archive.retention_days;
  const iaDays = archive.retention_days - standardDays;
  const gbStored = (million * sizes.stored_bytes) / BYTES_PER_GB;
  const storage =
    gbStored *
    ((standardDays / DAYS_PER_MONTH) * PRICES.s3StandardGbMonth.usd +
      (iaDays / DAYS_PER_MONTH) * PRICES.s3InfrequentAccessGbMonth.usd);
  return [
    line(
      'Firehose ingestion (archive)',
      ((million * sizes.billed_bytes) / BYTES_PER_GB) * PRICES.firehoseIngestionGb.usd,
      firehoseBasis(sizes),
    ),
    line(
      `S3 archive storage (${archive.retention_days} days)`,
      storage,
      `${sizes.stored_bytes} B per event as packed (GZIP per batch of ${sizes.batch_lines}): ${standardDays} days Standard${iaDays > 0 ? `, ${iaDays} days Standard-IA` : ''}`,
    ),
  ];
}

/** How the Firehose line was priced: the packed record's size, its billed size, and the share of one event. */
function firehoseBasis(sizes: ArchiveRecordSizes): string {
  const billedPerRecord = (sizes.billed_bytes * sizes.batch_lines) / sizes.records_per_batch;
  const records = sizes.records_per_batch === 1 ? '1 gzipped record' : `${sizes.records_per_batch} gzipped records`;
  const lines =
    sizes.batch_lines === 1
      ? `1 archive line of ${sizes.line_bytes} B`
      : `${sizes.batch_lines} archive lines of ${sizes.line_bytes} B`;
  return `${lines} packed into ${records} of ${sizes.packed_bytes} B, billed as ${round(billedPerRecord / 1024, 2)} KB${sizes.records_per_batch === 1 ? '' : ' each'} (Firehose rounds each record up to 5 KB): ${sizes.billed_bytes} B per event`;
}

/**
 * The archive's monthly charges that follow time, not volume: Firehose writes at least one
 * object per buffering interval (an S3 PUT each, and a lifecycle transition later).
 *
 * @example
 * ```ts
 * archiveFixedPerMonth(stack.archive); // [{ item: 'S3 archive objects', usd: 0.13, basis: '8640 objects ...' }]
 * ```
 */
export function archiveFixedPerMonth(archive: ArchiveSettings): Array<{ item: string; usd: number; basis: string }> {
  if (!archive.enabled) return [];
  const objects = MONTH_SECONDS / archive.buffering_interval_seconds;
  const transitions = archive.infrequent_access_after_days > 0 ? objects : 0;
  return [
    {
      item: 'S3 archive objects (PUT, transition)',
      usd: round(objects * PRICES.s3PutRequest.usd + transitions * PRICES.s3TransitionToIaRequest.usd, 2),
      basis: `${Math.round(objects)} objects a month at least (one per ${archive.buffering_interval_seconds} s buffer), each a PUT${transitions ? ' and a Standard-IA transition' : ''}`,
    },
  ];
}
