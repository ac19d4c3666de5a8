import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_DATA_PREFIX } from '../../lambda/core/archive-layout.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { post, stateDelivery } from '../e2e/support.ts';

/**
 * The local archive where `npm start` runs the processor: in its hot-reload worker thread,
 * which builds its own archive writer and reports each write back to the pipeline's stats.
 */

const AMT = 'local-dev-amt-archive-worker-test';
let dataDir: string;
let pipeline: LocalPipeline | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'archive-worker-'));
  pipeline = await startPipeline({ port: 0, quiet: true, dataDir, amt: AMT, hotReload: true, output: () => undefined });
}, 30_000);

afterAll(async () => {
  await pipeline?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local archive behind the hot-reload worker', () => {
  it('archives each delivery under <data-dir>/archive and counts it in the stats', async () => {
    // Prepare
    const delivery = stateDelivery(AMT, { vehicleId: 'veh-worker' });

    // Act
    const { status } = await post(pipeline!.webhookUrl, delivery);
    const stats = await pipeline!.waitFor((s) => s.processedTotal === 1 && s.archived === 1);

    // Assess
    expect(status).toBe(200);
    expect(pipeline!.processorState().hotReload).toBe(true);
    expect(stats.archived).toBe(1);
    const objects = readdirSync(join(dataDir, 'archive', ARCHIVE_DATA_PREFIX), { recursive: true }).filter((name) =>
      String(name).endsWith('.gz'),
    );
    expect(objects).toHaveLength(1);
  });
});
