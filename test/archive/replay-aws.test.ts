import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../bin/cli/errors.ts';
import { runReplay } from '../../bin/cli/replay-run.ts';
import { resolveReplayTarget } from '../../bin/cli/replay-target.ts';
import { type ArchivedDelivery, serializeArchiveLine } from '../../lambda/core/archive-record.ts';
import { MESSAGE_ATTRIBUTE } from '../../lambda/core/constants.ts';
import { STACK_OUTPUTS } from '../../lib/stack-outputs.ts';

const s3Mock = mockClient(S3Client);
const sqsMock = mockClient(SQSClient);
const cfnMock = mockClient(CloudFormationClient);
const BUCKET = 'archive-bucket';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/main';

/** An archive object as one GZIP stream of NDJSON lines: the local archive's, and Firehose's before the processor packed its records. */
function archiveObject(...deliveries: ArchivedDelivery[]): Buffer {
  return gzipSync(Buffer.concat(deliveries.map((d) => serializeArchiveLine(d)!)));
}

function delivery(eventId: string, receivedAt: string, eventType = 'VEHICLE_STATE'): ArchivedDelivery {
  const body = JSON.stringify({
    eventId,
    eventType,
    data: { vehicle: { id: `veh-${eventId}` } },
    meta: { deliveryId: `d-${eventId}` },
  });
  return { eventId, eventType, deliveryId: `d-${eventId}`, route: 'data', receivedAt: Date.parse(receivedAt), body };
}

/** A GetObject answer: the SDK's body stream, as far as the replay reads it. */
function body(data: Buffer) {
  return { Body: { transformToByteArray: async () => new Uint8Array(data) } };
}

async function stackTarget() {
  cfnMock.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 's',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          { OutputKey: STACK_OUTPUTS.QUEUE_URL, OutputValue: QUEUE_URL },
          { OutputKey: STACK_OUTPUTS.ARCHIVE_BUCKET_NAME, OutputValue: BUCKET },
        ],
      },
    ],
  });
  return resolveReplayTarget({ kind: 'stack', stackName: 'SmartcarWebhooks-dev', region: 'eu-west-1' });
}

beforeEach(() => {
  s3Mock.reset();
  sqsMock.reset();
  cfnMock.reset();
  sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: Array<{ Id: string }> }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
});

describe('replay from the S3 archive (SDK mocked)', () => {
  it('lists every page of each hour prefix across midnight, gunzips, and sends only the window with the original attributes and the replayId', async () => {
    // Prepare
    s3Mock
      .on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: 'events/2026/12/01/23/' })
      .resolvesOnce({
        Contents: [{ Key: 'events/2026/12/01/23/a.gz' }],
        IsTruncated: true,
        NextContinuationToken: 'page-2',
      })
      .on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: 'events/2026/12/01/23/', ContinuationToken: 'page-2' })
      .resolves({ Contents: [{ Key: 'events/2026/12/01/23/b.gz' }], IsTruncated: false })
      .on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: 'events/2026/12/02/00/' })
      .resolves({ Contents: [{ Key: 'events/2026/12/02/00/c.gz' }], IsTruncated: false })
      .on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: 'events/2026/12/02/01/' })
      .resolves({ IsTruncated: false })
      .on(GetObjectCommand, { Key: 'events/2026/12/01/23/a.gz' })
      .callsFake(() =>
        body(archiveObject(delivery('early', '2026-12-01T23:10:00Z'), delivery('e1', '2026-12-01T23:40:00Z'))),
      )
      .on(GetObjectCommand, { Key: 'events/2026/12/01/23/b.gz' })
      .callsFake(() => body(archiveObject(delivery('e2', '2026-12-01T23:59:59Z'))))
      .on(GetObjectCommand, { Key: 'events/2026/12/02/00/c.gz' })
      .callsFake(() =>
        body(
          archiveObject(
            delivery('e3', '2026-12-02T00:20:00Z', 'VEHICLE_ERROR'),
            delivery('late', '2026-12-02T00:30:00Z'),
          ),
        ),
      );
    const target = await stackTarget();

    // Act
    const summary = await runReplay({
      source: target.source,
      sqs: target.sqs,
      queueUrl: target.queueUrl,
      filter: { from: Date.parse('2026-12-01T23:30Z'), to: Date.parse('2026-12-02T00:30Z') },
      replayId: 'replay-1',
      rate: 1_000,
      dryRun: false,
      lateHours: 1,
    });

    // Assess
    expect(s3Mock).toHaveReceivedCommandTimes(ListObjectsV2Command, 4);
    expect(summary).toMatchObject({
      objects: 3,
      objectsRead: 3,
      matched: 3,
      sent: 3,
      skipped: 2,
      failed: 0,
      unreadable: [],
    });
    const entries = sqsMock.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => JSON.parse(e.MessageBody!).eventId)).toEqual(['e1', 'e2', 'e3']);
    expect(entries[2]!.MessageBody).toBe(delivery('e3', '2026-12-02T00:20:00Z', 'VEHICLE_ERROR').body);
    expect(entries[2]!.MessageAttributes).toEqual({
      [MESSAGE_ATTRIBUTE.EVENT_TYPE]: { DataType: 'String', StringValue: 'VEHICLE_ERROR' },
      [MESSAGE_ATTRIBUTE.ROUTE]: { DataType: 'String', StringValue: 'data' },
      [MESSAGE_ATTRIBUTE.RECEIVED_AT]: { DataType: 'Number', StringValue: String(Date.parse('2026-12-02T00:20:00Z')) },
      [MESSAGE_ATTRIBUTE.EVENT_ID]: { DataType: 'String', StringValue: 'e3' },
      [MESSAGE_ATTRIBUTE.DELIVERY_ID]: { DataType: 'String', StringValue: 'd-e3' },
      [MESSAGE_ATTRIBUTE.REPLAY_ID]: { DataType: 'String', StringValue: 'replay-1' },
    });
    expect(sqsMock.commandCalls(SendMessageBatchCommand).every((c) => c.args[0].input.QueueUrl === QUEUE_URL)).toBe(
      true,
    );
  });

  it('reports a truncated object and a corrupt line instead of swallowing them, and replays the rest', async () => {
    // Prepare
    const whole = archiveObject(delivery('t1', '2026-12-01T08:10:00Z'), delivery('t2', '2026-12-01T08:11:00Z'));
    const withBadLine = gzipSync(
      Buffer.concat([serializeArchiveLine(delivery('ok', '2026-12-01T08:12:00Z'))!, Buffer.from('{"v":1,"half\n')]),
    );
    s3Mock
      .on(ListObjectsV2Command)
      .resolves({ IsTruncated: false })
      .on(ListObjectsV2Command, { Prefix: 'events/2026/12/01/08/' })
      .resolves({
        Contents: [{ Key: 'events/2026/12/01/08/cut.gz' }, { Key: 'events/2026/12/01/08/bad-line.gz' }],
        IsTruncated: false,
      })
      .on(GetObjectCommand, { Key: 'events/2026/12/01/08/cut.gz' })
      .callsFake(() => body(whole.subarray(0, whole.length - 12)))
      .on(GetObjectCommand, { Key: 'events/2026/12/01/08/bad-line.gz' })
      .callsFake(() => body(withBadLine));
    const target = await stackTarget();

    // Act
    const summary = await runReplay({
      source: target.source,
      sqs: target.sqs,
      queueUrl: target.queueUrl,
      filter: { from: Date.parse('2026-12-01T08:00Z'), to: Date.parse('2026-12-01T09:00Z') },
      replayId: 'replay-2',
      rate: 1_000,
      dryRun: false,
      lateHours: 0,
    });

    // Assess
    expect(summary.unreadable).toEqual([
      { key: 'events/2026/12/01/08/bad-line.gz', line: 2, reason: 'an archive line is not JSON' },
      { key: 'events/2026/12/01/08/cut.gz', reason: 'not complete GZIP data (unexpected end of file)' },
    ]);
    expect(summary).toMatchObject({ matched: 1, sent: 1, failed: 0 });
  });

  it('counts entries SQS keeps refusing as failed, after one retry of just those', async () => {
    // Prepare
    s3Mock
      .on(ListObjectsV2Command)
      .resolves({ IsTruncated: false })
      .on(ListObjectsV2Command, { Prefix: 'events/2026/12/01/08/' })
      .resolves({ Contents: [{ Key: 'events/2026/12/01/08/a.gz' }], IsTruncated: false })
      .on(GetObjectCommand)
      .callsFake(() =>
        body(archiveObject(delivery('f1', '2026-12-01T08:01:00Z'), delivery('f2', '2026-12-01T08:02:00Z'))),
      );
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: Array<{ Id: string }> }) => ({
      Successful: input.Entries.filter((e) => e.Id === '0').map((e) => ({
        Id: e.Id,
        MessageId: 'm',
        MD5OfMessageBody: 'x',
      })),
      Failed: input.Entries.filter((e) => e.Id !== '0').map((e) => ({
        Id: e.Id,
        Code: 'InternalError',
        SenderFault: false,
      })),
    }));
    const target = await stackTarget();

    // Act
    const summary = await runReplay({
      source: target.source,
      sqs: target.sqs,
      queueUrl: target.queueUrl,
      filter: { from: Date.parse('2026-12-01T08:00Z'), to: Date.parse('2026-12-01T09:00Z') },
      replayId: 'replay-3',
      rate: 1_000,
      dryRun: false,
      lateHours: 0,
    });

    // Assess
    expect(summary).toMatchObject({ matched: 2, sent: 1, failed: 1 });
    expect(sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([2, 1]);
  });

  it('sends nothing on a dry run, and holds sends to --rate per second', async () => {
    // Prepare
    const many = Array.from({ length: 30 }, (_v, i) => delivery(`r${i}`, '2026-12-01T08:30:00Z'));
    s3Mock
      .on(ListObjectsV2Command)
      .resolves({ IsTruncated: false })
      .on(ListObjectsV2Command, { Prefix: 'events/2026/12/01/08/' })
      .resolves({ Contents: [{ Key: 'events/2026/12/01/08/a.gz' }], IsTruncated: false })
      .on(GetObjectCommand)
      .callsFake(() => body(archiveObject(...many)));
    const target = await stackTarget();
    const run = (dryRun: boolean, rate: number) =>
      runReplay({
        source: target.source,
        sqs: target.sqs,
        queueUrl: target.queueUrl,
        filter: { from: Date.parse('2026-12-01T08:00Z'), to: Date.parse('2026-12-01T09:00Z') },
        replayId: 'replay-4',
        rate,
        dryRun,
        lateHours: 0,
      });

    // Act
    const dry = await run(true, 1_000);
    const started = Date.now();
    const paced = await run(false, 20);
    const elapsed = Date.now() - started;

    // Assess
    expect(dry).toMatchObject({ matched: 30, sent: 0 });
    expect(paced).toMatchObject({ matched: 30, sent: 30 });
    // 30 messages at 20/s: the third batch of 10 leaves no earlier than 1 s after the first.
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageBatchCommand, 3);
  });

  it('says so when the stack has no archive', async () => {
    // Prepare
    cfnMock.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 's',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: STACK_OUTPUTS.QUEUE_URL, OutputValue: QUEUE_URL }],
        },
      ],
    });

    // Act
    const resolving = resolveReplayTarget({ kind: 'stack', stackName: 'SmartcarWebhooks-dev' });

    // Assess
    await expect(resolving).rejects.toThrow(UsageError);
    await expect(resolveReplayTarget({ kind: 'stack', stackName: 'SmartcarWebhooks-dev' })).rejects.toThrow(
      /archive=false/,
    );
  });
});
