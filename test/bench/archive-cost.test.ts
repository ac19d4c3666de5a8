import { describe, expect, it } from 'vitest';
import { archiveCostLines, archiveRecordSizes } from '../../bench/archive-cost.ts';
import { BYTES_PER_GB, PRICES } from '../../bench/prices.ts';
import type { ArchiveSettings, CostLine } from '../../bench/types.ts';

const ARCHIVE: ArchiveSettings = {
  enabled: true,
  retention_days: 365,
  infrequent_access_after_days: 30,
  buffering_interval_seconds: 300,
};
const BILLING_STEP = 5 * 1024;
const line = (item: string, usd: number, basis: string): CostLine => ({
  item,
  usd,
  basis,
  example_store: false,
  request: false,
});

describe('archive cost model: Firehose billed per packed record', () => {
  it('bills a full batch its packed record rounded up to 5 KB, shared by the batch', () => {
    // Prepare
    const batch = 10;

    // Act
    const sizes = archiveRecordSizes(5_120, batch);

    // Assess
    expect(sizes.records_per_batch).toBe(1);
    expect(sizes.packed_bytes).toBeLessThan(sizes.line_bytes * batch);
    expect(sizes.billed_bytes).toBe((Math.ceil(sizes.packed_bytes / BILLING_STEP) * BILLING_STEP) / batch);
    // Both are rounded averages (per record, per event), so they agree within a byte.
    expect(Math.abs(sizes.stored_bytes - sizes.packed_bytes / batch)).toBeLessThanOrEqual(1);
  });

  it('bills a batch of one its own gzipped line rounded up to 5 KB', () => {
    // Prepare
    const batch = 1;

    // Act
    const sizes = archiveRecordSizes(5_120, batch);

    // Assess
    expect(sizes.packed_bytes).toBeLessThan(BILLING_STEP);
    expect(sizes.billed_bytes).toBe(BILLING_STEP);
    expect(sizes.line_bytes).toBeGreaterThan(BILLING_STEP);
  });

  it('prices the Firehose line from the batch fill, rounded to whole events, and says the packed and billed sizes', () => {
    // Prepare
    const sizes = archiveRecordSizes(5_120, 10);

    // Act
    const [firehose] = archiveCostLines(ARCHIVE, 5_120, 9.98, line);

    // Assess
    expect(firehose!.usd).toBeCloseTo(
      ((1_000_000 * sizes.billed_bytes) / BYTES_PER_GB) * PRICES.firehoseIngestionGb.usd,
      9,
    );
    expect(firehose!.basis).toContain(`packed into 1 gzipped record of ${sizes.packed_bytes} B, billed as 5 KB`);
    expect(firehose!.basis).toContain(`${sizes.billed_bytes} B per event`);
  });
});
