import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../../bin/cli/sample-events.ts';
import { LOCAL_PATHS, LOCAL_TOKEN_HEADER } from '../../local/api/constants.ts';
import { startPipeline } from '../../local/pipeline.ts';
import { LocalQuarantineStore } from '../../local/quarantine-store.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { post, runTs } from './support.ts';

/**
 * `npm start` quarantines as the deployed receiver does: the same receiver module, with the data
 * folder's `quarantine/` for the bucket's prefix. The store, the console's API and
 * `npm run quarantine -- --local` all see the stored body; unsigned junk never reaches it.
 */

const AMT = 'quarantine-local-amt';

describe('local pipeline quarantine', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'local-quarantine-'));
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    pipeline = await startPipeline({
      port: 0,
      quiet: true,
      logLevel: 'SILENT',
      waitTimeSeconds: 1,
      dataDir,
      amt: AMT,
    });
  });

  afterAll(async () => {
    await pipeline?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores a signed body it cannot process, byte for byte, answers 200, and never stores unsigned junk', async () => {
    // Prepare
    const body = '{"eventId":"evt-local-q","meta":{"deliveryId":"dlv-local-q"},"data":{}}';
    const junk = '[1,2,3]';

    // Act
    const signed = await post(pipeline.webhookUrl, { body, headers: signedHeaders(body, AMT) });
    const unsigned = await post(pipeline.webhookUrl, { body: junk, headers: { 'content-type': 'application/json' } });
    const forged = await post(pipeline.webhookUrl, { body: junk, headers: signedHeaders(junk, 'not-the-amt') });

    // Assess
    expect(signed).toEqual({ status: 200, text: '{"status":"quarantined"}' });
    expect([unsigned.status, forged.status]).toEqual([401, 401]);
    const entries = await new LocalQuarantineStore(dataDir).list();
    expect(entries).toEqual([
      expect.objectContaining({
        reason: 'missing_event_type',
        deliveryId: 'dlv-local-q',
        eventId: 'evt-local-q',
        body: Buffer.from(body),
      }),
    ]);
    expect(await pipeline.quarantine.list()).toEqual(entries);
    expect(pipeline.stats()).toMatchObject({ quarantined: 1, enqueued: 0 });
    const logged = (await (await fetch(`${pipeline.url}${LOCAL_PATHS.DELIVERIES}?status=quarantined`)).json()) as Array<
      Record<string, unknown>
    >;
    expect(logged).toEqual([expect.objectContaining({ eventId: 'evt-local-q', processing: 'quarantined' })]);
    expect(statSync(join(dataDir, entries[0]!.key)).mode & 0o777).toBe(0o600);
  });

  it('lists it in the console and in npm run quarantine -- --local, and keeps it on a requeue the code cannot take yet', async () => {
    // Prepare
    const [entry] = await pipeline.quarantine.list();

    // Act
    const listed = (await (await fetch(`${pipeline.url}${LOCAL_PATHS.QUARANTINE}`)).json()) as Array<
      Record<string, unknown>
    >;
    const cli = await runTs('bin/quarantine.ts', ['list', '--json', '--local', pipeline.url]);
    const requeue = await fetch(`${pipeline.url}${LOCAL_PATHS.QUARANTINE_REQUEUE}`, {
      method: 'POST',
      headers: { [LOCAL_TOKEN_HEADER]: pipeline.consoleToken, 'content-type': 'application/json' },
      body: JSON.stringify({ keys: [entry!.key] }),
    });

    // Assess
    expect(listed).toEqual([
      expect.objectContaining({ key: entry!.key, reason: 'missing_event_type', bytes: entry!.body.length }),
    ]);
    expect(listed[0]).not.toHaveProperty('body');
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual([expect.objectContaining({ key: entry!.key, eventId: 'evt-local-q' })]);
    expect(await requeue.json()).toEqual([
      { key: entry!.key, outcome: 'still_quarantined', reason: 'missing_event_type' },
    ]);
    expect(await pipeline.quarantine.list()).toHaveLength(1);
  }, 60_000);
});
