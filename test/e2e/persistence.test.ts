import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import { post, redelivery, stateDelivery } from './support.ts';

describe('local pipeline with a data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'local-pipeline-'));

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('remembers processed eventIds across a restart, so a later Smartcar retry is a duplicate', async () => {
    // Prepare
    const options = { port: 0, quiet: true, logLevel: 'SILENT', visibilityTimeoutSeconds: 1, waitTimeSeconds: 1, dataDir, amt: 'persist-amt' };
    const delivery = stateDelivery(options.amt);

    // Act
    const first = await startPipeline(options);
    await post(first.webhookUrl, delivery);
    const firstRun = await first.waitFor((s) => s.processedTotal === 1 && s.queued === 0);
    await first.stop();
    const second = await startPipeline(options);
    let secondRun;
    try {
      await post(second.webhookUrl, redelivery(delivery, options.amt));
      secondRun = await second.waitFor((s) => s.duplicates + s.processedTotal === 1 && s.queued === 0);
    } finally {
      await second.stop();
    }

    // Assess
    expect(firstRun.processedTotal).toBe(1);
    expect(secondRun.duplicates).toBe(1);
    expect(secondRun.processedTotal).toBe(0);
  });
});
