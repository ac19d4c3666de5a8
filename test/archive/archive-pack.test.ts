import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIREHOSE_MAX_RECORD_BYTES } from '../../lambda/core/archive-record.ts';
import { createFirehoseArchiveWriter } from '../../lambda/processor/archive.ts';
import type { ArchiveEntry } from '../../lambda/processor/types.ts';
import { linesOfRecord, linesOfRecords, useFirehoseStub } from '../helpers/firehose-stub.ts';
import { eventIdsOf, paddedArchiveEntry } from './helpers.ts';

const STREAM = 'archive-stream';
const noPause = async (): Promise<void> => undefined;
const firehoseFixture = useFirehoseStub();

/** A writer through the real SDK client to the Firehose stand-in, with no pause between rounds. */
function writer(maxRounds = 3) {
  return createFirehoseArchiveWriter({
    firehose: firehoseFixture.client(),
    deliveryStreamName: STREAM,
    maxRounds,
    pause: noPause,
  });
}

const stored = (): Buffer[] => firehoseFixture.stub().records.get(STREAM) ?? [];
const gzippedSize = (entries: readonly ArchiveEntry[]): number =>
  gzipSync(Buffer.concat(entries.map((entry) => entry.line))).length;

/** Ten entries of about 300 KB each: about 230 KB gzipped, so four share a record. */
const largeBatch = (): ArchiveEntry[] => Array.from({ length: 10 }, (_v, i) => paddedArchiveEntry(`m-${i}`, 300_000));

describe('archive packing: a batch in as few gzipped Firehose records as fit', () => {
  it('packs ten 6 KB lines into one record whose GZIP holds them in order', async () => {
    // Prepare
    const entries = Array.from({ length: 10 }, (_v, i) => paddedArchiveEntry(`m-${i}`, 6_000));

    // Act
    const { failed } = await writer().write(entries);

    // Assess
    expect(failed.size).toBe(0);
    expect(firehoseFixture.stub().requests).toEqual([1]);
    expect(linesOfRecords(stored())).toEqual(entries.map((entry) => entry.line.toString('utf8')));
  });

  it('closes each record before 1,000 KiB gzipped, only when the next line would not fit, keeping the order', async () => {
    // Prepare
    const entries = largeBatch();

    // Act
    const { failed } = await writer().write(entries);

    // Assess
    expect(failed.size).toBe(0);
    const records = stored();
    expect(records.length).toBeGreaterThan(1);
    expect(firehoseFixture.stub().requests).toEqual([records.length]);
    expect(records.every((data) => data.length <= FIREHOSE_MAX_RECORD_BYTES)).toBe(true);
    expect(eventIdsOf(linesOfRecords(records))).toEqual(entries.map((entry) => entry.id));
    let next = 0;
    for (const data of records.slice(0, -1)) {
      next += linesOfRecord(data).length;
      const withNext = [...entries.slice(next - linesOfRecord(data).length, next), entries[next]!];
      expect(gzippedSize(withNext)).toBeGreaterThan(FIREHOSE_MAX_RECORD_BYTES);
    }
  });

  it('gives a line that nearly fills a record alone its own record, between records its neighbours share', async () => {
    // Prepare: about 750 KB gzipped; with a 400 KB line (300 KB gzipped) beside it, over the limit.
    const big = paddedArchiveEntry('m-big', 1_000_000);
    const entries = [
      paddedArchiveEntry('m-a', 6_000),
      paddedArchiveEntry('m-b', 400_000),
      big,
      paddedArchiveEntry('m-c', 400_000),
      paddedArchiveEntry('m-d', 6_000),
    ];
    expect(gzippedSize([big])).toBeLessThanOrEqual(FIREHOSE_MAX_RECORD_BYTES);
    expect(gzippedSize(entries.slice(1, 3))).toBeGreaterThan(FIREHOSE_MAX_RECORD_BYTES);
    expect(gzippedSize(entries.slice(2, 4))).toBeGreaterThan(FIREHOSE_MAX_RECORD_BYTES);

    // Act
    const { failed } = await writer().write(entries);

    // Assess
    expect(failed.size).toBe(0);
    expect(stored().map((data) => eventIdsOf(linesOfRecord(data)))).toEqual([
      ['m-a', 'm-b'],
      ['m-big'],
      ['m-c', 'm-d'],
    ]);
  });
  it('fails, alone, an entry whose line is over 1,000 KiB even gzipped, and stores the others', async () => {
    // Prepare: random bytes do not compress, and GZIP adds its header and trailer.
    const unpackable = { id: 'm-random', line: randomBytes(FIREHOSE_MAX_RECORD_BYTES) };
    const entries = [paddedArchiveEntry('m-a', 6_000), unpackable, paddedArchiveEntry('m-b', 6_000)];

    // Act
    const { failed } = await writer().write(entries);

    // Assess
    expect([...failed]).toEqual([['m-random', 'its line does not fit a Firehose record (1,000 KiB) gzipped']]);
    expect(stored().map((data) => eventIdsOf(linesOfRecord(data)))).toEqual([['m-a'], ['m-b']]);
  });
});

describe('archive packing: a packed record is stored whole or fails whole', () => {
  it('resends only the packed record Firehose rejected, in the next round', async () => {
    // Prepare
    const entries = largeBatch();
    let rejections = 0;
    firehoseFixture.stub().reject = (data) =>
      eventIdsOf(linesOfRecord(data)).includes('m-5') && rejections++ === 0 ? 'ServiceUnavailableException' : undefined;

    // Act
    const { failed } = await writer().write(entries);

    // Assess
    expect(failed.size).toBe(0);
    const records = stored();
    expect(firehoseFixture.stub().requests).toEqual([records.length, 1]);
    const resent = eventIdsOf(linesOfRecord(records.at(-1)!));
    expect(resent).toContain('m-5');
    expect(eventIdsOf(linesOfRecords(records)).sort()).toEqual(entries.map((entry) => entry.id).sort());
  });

  it('fails exactly the entries of a packed record Firehose keeps rejecting, with the reason, and stores the rest', async () => {
    // Prepare
    const entries = largeBatch();
    firehoseFixture.stub().reject = (data) =>
      eventIdsOf(linesOfRecord(data)).includes('m-5') ? 'ServiceUnavailableException' : undefined;

    // Act
    const { failed } = await writer(3).write(entries);

    // Assess
    const storedIds = eventIdsOf(linesOfRecords(stored()));
    const failedIds = [...failed.keys()];
    expect(failedIds).toContain('m-5');
    expect(failedIds.length).toBeGreaterThan(1);
    expect([...storedIds, ...failedIds].sort()).toEqual(entries.map((entry) => entry.id).sort());
    expect(storedIds.some((id) => failed.has(id!))).toBe(false);
    expect(new Set(failed.values())).toEqual(
      new Set(['Firehose rejected it (ServiceUnavailableException) after 3 round(s)']),
    );
    expect(firehoseFixture.stub().requests.slice(1)).toEqual([1, 1]);
  });
});
