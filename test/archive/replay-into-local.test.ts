import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson } from '../../bin/cli/ndjson.ts';
import { buildVehicleError, buildVehicleState } from '../../bin/cli/sample-events.ts';
import { type ArchivedDelivery, serializeArchiveLine } from '../../lambda/core/archive-record.ts';
import { STACK_OUTPUTS } from '../../lib/stack-outputs.ts';
import type { LocalDelivery, LocalEventDetail, LocalStats } from '../../local/api/types.ts';
import { runTs } from '../e2e/support.ts';
import { archivedDelivery as archived } from '../helpers/archived-delivery.ts';
import { type CloudFormationStub, startCloudFormationStub } from '../helpers/cloudformation-stub.ts';
import { type NpmStart, startNpmStart } from '../helpers/npm-start.ts';
import { type S3Stub, startS3Stub } from '../helpers/s3-stub.ts';

/**
 * Issue #24: `npm run replay -- --stack NAME --into-local` copies a deployed window into the
 * running `npm start`, end to end: the command as a user runs it, the stack found through
 * CloudFormation and its archive read from S3 (loopback stand-ins, reached by the real SDK
 * clients through AWS_ENDPOINT_URL_*), and the local pipeline processing the copies and listing
 * them in its console as coming from the stack and window.
 */

const STACK = 'SmartcarWebhooks-prod';
const BUCKET = 'smartcarwebhooks-prod-archive';
const AMT = 'into-local-test-amt';
const at = (time: string) => Date.parse(`2026-12-01T${time}Z`);
const FROM = '2026-12-01T08:50Z';
const TO = '2026-12-01T09:10Z';
const WINDOW = '2026-12-01T08:50:00.000Z/2026-12-01T09:10:00.000Z';

let s3: S3Stub;
let cfn: CloudFormationStub;
let start: NpmStart;
let dataDir: string;

const object = (...deliveries: ArchivedDelivery[]) =>
  gzipSync(Buffer.concat(deliveries.map((d) => serializeArchiveLine(d)!)));

// 08:40 is before the window; 08:55 and 09:02 are in it and sit in an object under 08/ (Firehose
// files an object under its oldest record's hour); 09:05 (an error) is in it under 09/; 09:20 is after it.
const before = archived(buildVehicleState({ vehicleId: 'veh-before' }), at('08:40:00'));
const state0855 = archived(buildVehicleState({ vehicleId: 'veh-0855' }), at('08:55:00'));
const state0902 = archived(buildVehicleState({ vehicleId: 'veh-0902' }), at('09:02:00'));
const error0905 = archived(buildVehicleError({ vehicleId: 'veh-0905' }), at('09:05:00'));
const after = archived(buildVehicleState({ vehicleId: 'veh-after' }), at('09:20:00'));

function replay(args: readonly string[]) {
  return runTs('bin/replay.ts', ['--stack', STACK, '--from', FROM, '--to', TO, '--into-local', start.url, ...args], {
    env: {
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_PROFILE: '',
    },
  });
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${start.url}${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function waitForStats(done: (stats: LocalStats) => boolean): Promise<LocalStats> {
  for (let i = 0; i < 200; i++) {
    const stats = await getJson<LocalStats>('/_local/stats');
    if (done(stats)) return stats;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`stats never matched: ${JSON.stringify(await getJson('/_local/stats'))}`);
}

beforeAll(async () => {
  s3 = await startS3Stub();
  s3.buckets.set(
    BUCKET,
    new Map([
      ['events/2026/12/01/08/firehose-1-2026-12-01-08-40-00-a.gz', object(before, state0855, state0902)],
      ['events/2026/12/01/09/firehose-1-2026-12-01-09-05-00-b.gz', object(error0905, after)],
    ]),
  );
  cfn = await startCloudFormationStub();
  cfn.stacks.set(STACK, {
    [STACK_OUTPUTS.ARCHIVE_BUCKET_NAME]: BUCKET,
    [STACK_OUTPUTS.QUEUE_URL]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/prod-main',
  });
  dataDir = mkdtempSync(join(tmpdir(), 'into-local-'));
  start = await startNpmStart(['--data-dir', dataDir, '--no-reload'], { SMARTCAR_AMT: AMT });
}, 60_000);

afterAll(async () => {
  await start?.stop();
  await s3?.close();
  await cfn?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run replay -- --stack NAME --into-local (issue #24)', () => {
  it('documents --into-local, --yes, --redact and --json in --help', async () => {
    // Act
    const { code, stdout } = await runTs('bin/replay.ts', ['--help']);

    // Assess
    expect(code).toBe(0);
    for (const option of ['--into-local', '--yes', '--redact', '--json']) expect(stdout).toContain(option);
  });

  it('says what it would copy (count, window, stack) and copies nothing without --yes', async () => {
    // Prepare
    const stats = await getJson<LocalStats>('/_local/stats');

    // Act
    const { code, stdout, stderr } = await replay([]);
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Assess
    expect(code).toBe(1);
    expect(stdout).toContain(`About to copy 3 deliveries (stack ${STACK}, window ${WINDOW})`);
    expect(stderr).toContain('Nothing copied: pass --yes');
    const now = await getJson<LocalStats>('/_local/stats');
    expect(now.replayed).toBe(stats.replayed);
    expect(now.processedTotal).toBe(stats.processedTotal);
  });

  it('counts the window in a dry run and sends nothing', async () => {
    // Prepare
    const stats = await getJson<LocalStats>('/_local/stats');

    // Act
    const { code, stdout } = await replay(['--dry-run']);
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/matched {2}3\n/);
    expect(stdout).toMatch(/sent {5}0\n/);
    expect((await getJson<LocalStats>('/_local/stats')).processedTotal).toBe(stats.processedTotal);
  });

  it("copies the filtered window across the hour boundary; the console marks each copy with the stack, window, the stack's receivedAt and the original deliveryId", async () => {
    // Prepare
    const stats = await getJson<LocalStats>('/_local/stats');

    // Act
    const { code, stdout } = await replay(['--type', 'VEHICLE_STATE', '--yes']);
    await waitForStats((s) => s.replayed === stats.replayed + 2 && s.queued === 0);
    const listed = await getJson<LocalDelivery[]>('/_local/deliveries');

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/sent {5}2\n/);
    const copies = listed.filter((d) => d.fromArchive);
    expect(copies.map((d) => d.eventId).sort()).toEqual([state0855.eventId, state0902.eventId].sort());
    const copy0902 = copies.find((d) => d.eventId === state0902.eventId)!;
    expect(copy0902.fromArchive).toMatchObject({
      source: `stack ${STACK} ${WINDOW}`,
      receivedAt: '2026-12-01T09:02:00.000Z',
      deliveryId: state0902.deliveryId,
    });
    expect(copy0902).toMatchObject({ statusCode: 200, code: 'enqueued', processing: 'processed' });
  });

  it('with --redact and --json: NDJSON lines then a summary, and bodies without VIN or location reach the laptop', async () => {
    // Prepare
    const stats = await getJson<LocalStats>('/_local/stats');

    // Act
    const { code, stdout } = await replay(['--yes', '--redact', '--json']);
    await waitForStats((s) => s.replayed === stats.replayed + 3 && s.queued === 0);
    const detail = await getJson<LocalEventDetail>(`/_local/deliveries/${encodeURIComponent(state0855.eventId!)}`);

    // Assess
    expect(code).toBe(0);
    const lines = parseNdjson(stdout);
    expect(lines.map((l) => l.type)).toEqual(['run', 'plan', 'record', 'record', 'record', 'summary']);
    expect(lines[1]).toMatchObject({ stack: STACK, window: WINDOW, deliveries: 3, redact: true });
    expect(lines.filter((l) => l.type === 'record').map((l) => [l.eventId, l.result])).toEqual([
      [state0855.eventId, 'sent'],
      [state0902.eventId, 'sent'],
      [error0905.eventId, 'sent'],
    ]);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', matched: 3, sent: 3, failed: 0, skipped: 2 });
    const latest = detail.deliveries.find((d) => d.fromArchive?.replayId === lines[0]!.replayId)!;
    expect(latest.requestBody).toContain('"latitude":"[REDACTED]"');
    expect(latest.requestBody).not.toContain('37.7749');
  });
});
