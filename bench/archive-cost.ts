import { gzipSync } from 'node:zlib';
import { buildVehicleState } from '../bin/cli/sample-events.ts';
import { serializeArchiveLine } from '../lambda/core/archive-record.ts';
import { MONTH_SECONDS } from './constants.ts';
import { BYTES_PER_GB, PRICES } from './prices.ts';
import { round } from './stats.ts';
import type { ArchiveSettings, CostLine } from './types.ts';

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** Firehose bills ingestion in 5 KB steps: every record is rounded up to the next 5 KB. */
const FIREHOSE_BILLING_STEP_BYTES = 5 * 1024;
const DAYS_PER_MONTH = 30;
/** Records gzipped together to measure the archive's compression (one buffer's worth is far more). */
const COMPRESSION_SAMPLE = 500;

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
 * What one archived event weighs, measured on the bench's own payload: the archive line (the
 * body JSON-escaped plus the delivery attributes), what Firehose bills for it (rounded up to
 * 5 KB), and what it takes in S3 after GZIP.
 *
 * @example
 * ```ts
 * archiveRecordSizes(5120); // { line_bytes: 5470, billed_bytes: 10240, stored_bytes: 900 }
 * ```
 */
export function archiveRecordSizes(bodyBytes: number): ArchiveRecordSizes {
  // The sample events carry random ids, so GZIP's output varies by a byte or so from one sample
  // to the next: one sample per body size keeps every front door priced from the same figures.
  const known = sampledSizes.get(bodyBytes);
  if (known) return known;
  const sizes = sampleRecordSizes(bodyBytes);
  sampledSizes.set(bodyBytes, sizes);
  return sizes;
}

interface ArchiveRecordSizes {
  line_bytes: number;
  billed_bytes: number;
  stored_bytes: number;
}

const sampledSizes = new Map<number, ArchiveRecordSizes>();

function sampleRecordSizes(bodyBytes: number): ArchiveRecordSizes {
  const lines = Array.from({ length: COMPRESSION_SAMPLE }, (_v, i) => {
    const body = JSON.stringify(buildVehicleState({ signalCount: 1, minBytes: bodyBytes, vehicleId: `veh-${i % 50}` }));
    return serializeArchiveLine({
      eventId: `evt-${i}`,
      eventType: 'VEHICLE_STATE',
      deliveryId: `dlv-${i}`,
      route: 'data',
      receivedAt: 1_800_000_000_000 + i,
      body,
    })!;
  });
  const lineBytes = lines.reduce((sum, line) => sum + line.length, 0) / lines.length;
  const billed =
    lines.reduce(
      (sum, line) => sum + Math.ceil(line.length / FIREHOSE_BILLING_STEP_BYTES) * FIREHOSE_BILLING_STEP_BYTES,
      0,
    ) / lines.length;
  return {
    line_bytes: Math.round(lineBytes),
    billed_bytes: Math.round(billed),
    stored_bytes: Math.round(gzipSync(Buffer.concat(lines)).length / lines.length),
  };
}

/**
 * The archive's lines of the cost per million events: Firehose ingestion, and S3 storage for
 * the whole retention (Standard until the transition, Standard-IA after). None when the stack
 * has no archive.
 *
 * @example
 * ```ts
 * archiveCostLines(stack.archive, 5120, line); // [Firehose ingestion, S3 storage for 365 days]
 * ```
 */
export function archiveCostLines(
  archive: ArchiveSettings,
  bodyBytes: number,
  line: (item: string, usd: number, basis: string) => CostLine,
): CostLine[] {
  if (!archive.enabled) return [];
  const sizes = archiveRecordSizes(bodyBytes);
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
      `${sizes.line_bytes} B archive line billed as ${sizes.billed_bytes / 1024} KB (Firehose rounds each record up to 5 KB)`,
    ),
    line(
      `S3 archive storage (${archive.retention_days} days)`,
      storage,
      `${sizes.stored_bytes} B per event after GZIP: ${standardDays} days Standard${iaDays > 0 ? `, ${iaDays} days Standard-IA` : ''}`,
    ),
  ];
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
