import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../bin/cli/replay-run.ts';
import { resolveReplayTarget } from '../../bin/cli/replay-target.ts';
import type { LocalDelivery, LocalEventDetail } from '../../local/api/types.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { errorDelivery, post, redelivery, runTs, type SignedDelivery, stateDelivery } from '../e2e/support.ts';

/**
 * The local archive end to end: deliveries through the local pipeline, a restart on the same
 * data folder, then `npm run replay -- --local` over a window, run as the command runs.
 */

const AMT = 'local-dev-amt-archive-test';
let dataDir: string;
let pipeline: LocalPipeline | undefined;
let windowStart = 0;
let windowEnd = 0;
const inWindow: SignedDelivery[] = [];
let outsideWindow: SignedDelivery | undefined;

async function deliver(target: LocalPipeline, delivery: SignedDelivery): Promise<void> {
  const { status } = await post(target.webhookUrl, delivery);
  expect(status).toBe(200);
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.json();
}

const iso = (ms: number) => new Date(ms).toISOString();
/** 2026-01-01T00:00:00Z: a base for signal times (epoch ms, as Smartcar stamps them). */
const T0 = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'archive-e2e-'));
  const first = await startPipeline({ port: 0, quiet: true, dataDir, amt: AMT });
  try {
    windowStart = Date.now() - 1;
    // veh-1: three readings in order; the newest is what the store holds afterwards.
    inWindow.push(stateDelivery(AMT, { vehicleId: 'veh-1', stateOfCharge: 50, oemUpdatedAt: T0 + 1_000 }));
    inWindow.push(stateDelivery(AMT, { vehicleId: 'veh-1', stateOfCharge: 60, oemUpdatedAt: T0 + 2_000 }));
    inWindow.push(stateDelivery(AMT, { vehicleId: 'veh-1', stateOfCharge: 70, oemUpdatedAt: T0 + 3_000 }));
    inWindow.push(errorDelivery(AMT, { vehicleId: 'veh-2' }));
    for (const delivery of inWindow) await deliver(first, delivery);
    // A Smartcar retry of the first: archived twice (both copies reached the queue), handled once.
    await deliver(first, redelivery(inWindow[0]!, AMT));
    await first.waitFor((s) => s.processedTotal === 4 && s.duplicates === 1 && s.archived === 5);
    windowEnd = Date.now() + 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    // After the window: archived, never replayed by the runs below.
    outsideWindow = stateDelivery(AMT, { vehicleId: 'veh-3' });
    await deliver(first, outsideWindow);
    await first.waitFor((s) => s.processedTotal === 5 && s.archived === 6);
  } finally {
    await first.stop();
  }
  // The restart: same data folder, so the archive (and the processed eventIds) survive.
  pipeline = await startPipeline({ port: 0, quiet: true, dataDir, amt: AMT });
}, 60_000);

afterAll(async () => {
  await pipeline?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run replay -- --local, after a restart', () => {
  it('documents every option in --help', async () => {
    // Prepare
    const options = [
      '--stack',
      '--local',
      '--region',
      '--from',
      '--to',
      '--type',
      '--vehicle',
      '--event-id',
      '--dry-run',
      '--rate',
      '--late-hours',
      '--help',
    ];

    // Act
    const { code, stdout } = await runTs('bin/replay.ts', ['--help']);

    // Assess
    expect(code).toBe(0);
    for (const option of options) expect(stdout).toContain(option);
  });

  it('counts the window in a dry run and sends nothing', async () => {
    // Prepare
    const before = await pipeline!.refreshStats();

    // Act
    const { code, stdout } = await runTs('bin/replay.ts', [
      '--local',
      pipeline!.url,
      '--from',
      iso(windowStart),
      '--to',
      iso(windowEnd),
      '--dry-run',
    ]);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/matched {2}5\n/);
    expect(stdout).toMatch(/sent {5}0\n/);
    expect(stdout).toMatch(/skipped {2}1 /);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await pipeline!.refreshStats()).replayed).toBe(before.replayed);
    expect((await pipeline!.refreshStats()).queued).toBe(0);
  });

  it("handles exactly the window's events again, once each per run, with older signals skipped by the freshness store", async () => {
    // Prepare
    const before = await pipeline!.refreshStats();

    // Act
    const { code, stdout } = await runTs('bin/replay.ts', [
      '--local',
      pipeline!.url,
      '--from',
      iso(windowStart),
      '--to',
      iso(windowEnd),
    ]);
    const after = await pipeline!.waitFor(
      (s) => s.replayed === before.replayed + 4 && s.duplicates === before.duplicates + 1 && s.queued === 0,
    );

    // Assess
    expect(code).toBe(0);
    const replayId = /^replayId (replay-\S+)$/m.exec(stdout)?.[1];
    expect(replayId).toBeDefined();
    expect(stdout).toMatch(/matched {2}5\n/);
    expect(stdout).toMatch(/sent {5}5\n/);
    expect(stdout).toMatch(/failed {3}0\n/);
    // 4 distinct events in the window (the 5th copy is a duplicate within this run); veh-3 is outside it.
    expect(after.processedTotal - before.processedTotal).toBe(4);
    // veh-1's first two readings are older than the stored third one.
    expect(after.stale).toBeGreaterThan(before.stale);
    // Replays are not archived again.
    expect(after.archived).toBe(before.archived);
  });

  it('filters by type and by vehicle, each run handling its matches again', async () => {
    // Prepare
    const target = await resolveReplayTarget({ kind: 'local', url: pipeline!.url });
    const base = {
      source: target.source,
      sqs: target.sqs,
      queueUrl: target.queueUrl,
      rate: 1_000,
      dryRun: false,
      lateHours: 1,
    };
    const before = await pipeline!.refreshStats();

    // Act
    const byType = await runReplay({
      ...base,
      replayId: 'run-type',
      filter: { from: windowStart, to: windowEnd, eventType: 'VEHICLE_ERROR' },
    });
    const byVehicle = await runReplay({
      ...base,
      replayId: 'run-vehicle',
      filter: { from: windowStart, to: windowEnd, vehicleId: 'veh-1' },
    });
    const byEventId = await runReplay({
      ...base,
      replayId: 'run-id',
      filter: { from: windowStart, to: windowEnd, eventIds: [inWindow[2]!.eventId] },
    });
    const after = await pipeline!.waitFor((s) => s.replayed === before.replayed + 1 + 3 + 1 && s.queued === 0);
    target.close();

    // Assess
    expect([byType.matched, byVehicle.matched, byEventId.matched]).toEqual([1, 4, 1]);
    expect([byType.sent, byVehicle.sent, byEventId.sent]).toEqual([1, 4, 1]);
    expect(byType.skipped + byType.matched).toBe(6);
    expect(after.processed.VEHICLE_ERROR! - (before.processed.VEHICLE_ERROR ?? 0)).toBe(1);
    expect(byVehicle.unreadable).toEqual([]);
  });

  it("records each replay run in the deliveries log: a replayed step with the run's replayId, then its outcome", async () => {
    // Prepare
    const target = await resolveReplayTarget({ kind: 'local', url: pipeline!.url });
    const replayed = inWindow[3]!;
    const before = await pipeline!.refreshStats();

    // Act
    const run = await runReplay({
      source: target.source,
      sqs: target.sqs,
      queueUrl: target.queueUrl,
      rate: 1_000,
      dryRun: false,
      lateHours: 1,
      replayId: 'run-steps',
      filter: { from: windowStart, to: windowEnd, eventIds: [replayed.eventId] },
    });
    await pipeline!.waitFor((s) => s.replayed === before.replayed + 1 && s.queued === 0);
    target.close();
    const detail = (await getJson(
      `${pipeline!.url}/_local/deliveries/${encodeURIComponent(replayed.eventId)}`,
    )) as LocalEventDetail;
    const list = (await getJson(`${pipeline!.url}/_local/deliveries?status=replayed`)) as LocalDelivery[];

    // Assess
    expect(run.sent).toBe(1);
    // Its first delivery, handled before the restart (the log survives it), is no replay.
    expect(detail.steps[0]).toMatchObject({ kind: 'processed' });
    expect(detail.steps[0]).not.toHaveProperty('replayId');
    expect(detail.steps.slice(-2)).toEqual([
      { at: expect.any(String), kind: 'replayed', replayId: 'run-steps' },
      expect.objectContaining({ kind: 'processed', replayId: 'run-steps', attempt: 1 }),
    ]);
    expect(detail.steps.filter((s) => s.kind === 'replayed' && s.replayId === 'run-steps')).toHaveLength(1);
    expect(detail.processing).toBe('processed');
    // The list marks it, and `status=replayed` keeps only events a replay run sent again.
    const row = list.find((d) => d.eventId === replayed.eventId);
    expect(row?.replayIds?.at(-1)).toBe('run-steps');
    expect(list.every((d) => d.replayIds && d.replayIds.length > 0)).toBe(true);
    expect(list.some((d) => d.eventId === outsideWindow?.eventId)).toBe(false);
  });
});
