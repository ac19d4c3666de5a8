import { gzipSync } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../bin/cli/replay-run.ts';
import { s3ArchiveSource } from '../../bin/cli/replay-source.ts';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { serializeArchiveLine } from '../../lambda/core/archive-record.ts';
import { MESSAGE_ATTRIBUTE } from '../../lambda/core/constants.ts';
import { archiveBatch, archivedDeliveryOf, createFirehoseArchiveWriter } from '../../lambda/processor/archive.ts';
import { createArchiveFirehoseClient } from '../../lambda/processor/clients.ts';
import { type FirehoseStub, startFirehoseStub } from '../helpers/firehose-stub.ts';
import { type S3Stub, startS3Stub } from '../helpers/s3-stub.ts';
import { useTestQueue } from '../helpers/sqs.ts';
import { deliveryRecord } from './helpers.ts';

/**
 * Replay of both shapes an archive object has in S3, with real bytes end to end: the processor's
 * archive step packs each batch into gzipped Firehose records (the Firehose stand-in keeps them),
 * Firehose's object is those records end to end (one GZIP member each), and an object from before
 * the packing is one GZIP stream of all its lines. The replay reads both through the real S3
 * client from an S3 stand-in and sends to a real SQS emulator.
 */

const BUCKET = 'archive-bucket';
const STREAM = 'archive-stream';
const CREDENTIALS = { accessKeyId: 'a', secretAccessKey: 'b' };
const testQueue = useTestQueue('replay-members');
let firehose: FirehoseStub;
let s3: S3Stub;

beforeAll(async () => {
  [firehose, s3] = await Promise.all([startFirehoseStub(), startS3Stub()]);
});
afterAll(async () => {
  await Promise.all([firehose.close(), s3.close()]);
});

const record = (eventId: string, receivedAt: string) =>
  deliveryRecord(buildVehicleState({ eventId, vehicleId: `veh-${eventId}` }), {
    messageId: `m-${eventId}`,
    receivedAt: Date.parse(receivedAt),
  });

describe('replay of multi-member GZIP archive objects', () => {
  it('replays an object of packed Firehose records (several GZIP members) and an older single-stream object alike', async () => {
    // Prepare
    const writer = createFirehoseArchiveWriter({
      firehose: createArchiveFirehoseClient({ endpoint: firehose.url, region: 'us-east-1', credentials: CREDENTIALS }),
      deliveryStreamName: STREAM,
    });
    const batches = [
      [record('p1', '2026-12-01T08:01:00Z'), record('p2', '2026-12-01T08:01:01Z')],
      [record('p3', '2026-12-01T08:02:00Z')],
      [record('p4', '2026-12-01T08:03:00Z'), record('p5', '2026-12-01T08:03:01Z')],
    ];
    for (const batch of batches) expect((await archiveBatch(writer, batch)).failed.size).toBe(0);
    const packedRecords = firehose.records.get(STREAM)!;
    expect(packedRecords).toHaveLength(3);
    const older = [record('o1', '2026-12-01T08:00:30Z'), record('o2', '2026-12-01T08:00:31Z')];
    const olderObject = gzipSync(Buffer.concat(older.map((r) => serializeArchiveLine(archivedDeliveryOf(r))!)));
    s3.buckets.set(
      BUCKET,
      new Map([
        ['events/2026/12/01/08/SmartcarWebhooks-1-2026-12-01-08-00-40-old.gz', olderObject],
        ['events/2026/12/01/08/SmartcarWebhooks-1-2026-12-01-08-05-00-new.gz', Buffer.concat(packedRecords)],
      ]),
    );
    const client = new S3Client({
      endpoint: s3.url,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: CREDENTIALS,
    });
    const { sqs, queueUrl } = testQueue();

    // Act
    const summary = await runReplay({
      source: s3ArchiveSource(client, BUCKET),
      sqs,
      queueUrl,
      filter: { from: Date.parse('2026-12-01T08:00Z'), to: Date.parse('2026-12-01T09:00Z') },
      replayId: 'replay-members',
      rate: 1_000,
      dryRun: false,
      lateHours: 0,
    });

    // Assess
    client.destroy();
    expect(summary).toMatchObject({ objects: 2, objectsRead: 2, matched: 7, sent: 7, failed: 0, unreadable: [] });
    const received = await testQueue().drain();
    const byEventId = new Map(
      received.map((m) => [m.MessageAttributes?.[MESSAGE_ATTRIBUTE.EVENT_ID]?.StringValue, m.Body]),
    );
    const originals = [...older, ...batches.flat()];
    expect([...byEventId.keys()].sort()).toEqual(['o1', 'o2', 'p1', 'p2', 'p3', 'p4', 'p5']);
    for (const original of originals) {
      expect(byEventId.get(archivedDeliveryOf(original).eventId)).toBe(original.body);
    }
  });
});
