import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../bin/cli/replay-run.ts';
import { folderArchiveSource, s3ArchiveSource } from '../../bin/cli/replay-source.ts';
import { ARCHIVE_DATA_PREFIX } from '../../lambda/core/archive-layout.ts';
import { type ArchivedDelivery, readArchiveObject, serializeArchiveLine } from '../../lambda/core/archive-record.ts';
import { createLocalArchiveWriter } from '../../local/archive.ts';
import { type S3Stub, startS3Stub } from '../helpers/s3-stub.ts';
import { useTestQueue } from '../helpers/sqs.ts';

/**
 * Issue #19.4: Firehose files each object under the hour of its OLDEST record and buffers for up
 * to its interval (300 s by default), so a delivery received at 09:01 can sit in an object under
 * `…/08/`. The local archive, told to buffer as Firehose does, writes that layout; the replay of
 * a window starting at 09:00 must still find the record, from the folder and from S3.
 */

const BUCKET = 'archive';
const at = (time: string) => Date.parse(`2026-12-01T${time}Z`);
const testQueue = useTestQueue('replay-hour-boundary');
let dir: string;
let s3: S3Stub;

function delivery(eventId: string, receivedAt: number): ArchivedDelivery {
  const body = JSON.stringify({ eventId, eventType: 'VEHICLE_STATE', data: { vehicle: { id: 'veh-1' } } });
  return { eventId, eventType: 'VEHICLE_STATE', route: 'data', receivedAt, body };
}

/** Every object of the archive folder, by its key relative to the folder (`events/2026/...`). */
function objectKeys(): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.gz'))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'replay-hour-boundary-'));
  // The processor archives each record a few seconds after the receiver took it; the writer's clock is the archive time.
  const writes: Array<[archivedAt: number, ArchivedDelivery]> = [
    [at('08:58:40'), delivery('before-window', at('08:58:30'))],
    [at('09:01:05'), delivery('at-0901', at('09:01:00'))],
    [at('09:03:30'), delivery('at-0903', at('09:03:20'))],
    // The buffer of the first object is over (300 s after 08:58:40): a new object, under 09/.
    [at('09:04:50'), delivery('at-0904', at('09:04:45'))],
  ];
  let clock = 0;
  const writer = createLocalArchiveWriter({ dir, now: () => clock, bufferingIntervalMs: 300_000 });
  for (const [archivedAt, record] of writes) {
    clock = archivedAt;
    await writer.write([{ id: record.eventId!, line: serializeArchiveLine(record)! }]);
  }
  s3 = await startS3Stub();
  s3.buckets.set(BUCKET, new Map(objectKeys().map((key) => [key, readFileSync(join(dir, key))])));
});

afterAll(async () => {
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('replay of a window that starts on the hour (issue #19.4)', () => {
  it('the local archive files an object under the hour of its oldest record, as Firehose does', () => {
    // Prepare
    const keys = objectKeys();

    // Act
    const contents = keys.map((key) =>
      readArchiveObject(readFileSync(join(dir, key))).deliveries.map((d) => d.eventId),
    );

    // Assess
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(new RegExp(`^${ARCHIVE_DATA_PREFIX}2026/12/01/08/`));
    expect(contents[0]).toEqual(['before-window', 'at-0901', 'at-0903']);
    expect(keys[1]).toMatch(new RegExp(`^${ARCHIVE_DATA_PREFIX}2026/12/01/09/`));
    expect(contents[1]).toEqual(['at-0904']);
  });

  for (const [name, source] of [
    ['the local archive folder', () => folderArchiveSource(dir)],
    [
      'the archive bucket (S3 stand-in, real SDK client)',
      () =>
        s3ArchiveSource(
          new S3Client({
            endpoint: s3.url,
            forcePathStyle: true,
            region: 'us-east-1',
            credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
          }),
          BUCKET,
        ),
    ],
  ] as const) {
    it(`sends the records received from 09:00 that sit in an object under 08/, from ${name}`, async () => {
      // Prepare
      const { sqs, queueUrl, drain } = testQueue();

      // Act
      const summary = await runReplay({
        source: source(),
        sqs,
        queueUrl,
        filter: { from: at('09:00:00'), to: at('10:00:00') },
        replayId: 'replay-hour-boundary',
        rate: 1_000,
        dryRun: false,
        lateHours: 0,
      });

      // Assess
      expect(summary).toMatchObject({ matched: 3, sent: 3, skipped: 1, failed: 0, unreadable: [] });
      const sent = (await drain()).map((message) => JSON.parse(message.Body!).eventId).sort();
      expect(sent).toEqual(['at-0901', 'at-0903', 'at-0904']);
    });
  }

  it('keeps the --to edge by receivedAt: a record received before --to but filed after it is sent, one received at --to is not', async () => {
    // Prepare
    const { sqs, queueUrl, drain } = testQueue();

    // Act: the window ends at 09:04:45, the receive time of the record in the 09/ object.
    const summary = await runReplay({
      source: folderArchiveSource(dir),
      sqs,
      queueUrl,
      filter: { from: at('09:01:00'), to: at('09:04:45') },
      replayId: 'replay-to-edge',
      rate: 1_000,
      dryRun: false,
      lateHours: 0,
    });

    // Assess
    expect(summary).toMatchObject({ matched: 2, sent: 2, skipped: 2, failed: 0 });
    expect((await drain()).map((message) => JSON.parse(message.Body!).eventId).sort()).toEqual(['at-0901', 'at-0903']);
  });
});
