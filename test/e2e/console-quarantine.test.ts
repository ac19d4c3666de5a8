import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../../bin/cli/sample-events.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { post } from './support.ts';

/** The console's Quarantine tab in a real browser (Debian chromium via playwright-core). */

const AMT = 'console-quarantine-amt';

describe('the console Quarantine tab', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'console-quarantine-'));
  let pipeline: LocalPipeline;
  let browser: Browser;

  beforeAll(async () => {
    pipeline = await startPipeline({ port: 0, quiet: true, logLevel: 'SILENT', waitTimeSeconds: 1, dataDir, amt: AMT });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists a quarantined delivery with its reason and redacted body, and reports why a requeue keeps it', async () => {
    // Prepare
    const vin = '5YJ3E1EA7KF317000';
    const body = JSON.stringify({ eventId: 'evt-console-q', data: { vehicle: { vin } } });
    expect((await post(pipeline.webhookUrl, { body, headers: signedHeaders(body, AMT) })).status).toBe(200);
    const page = await browser.newPage();

    // Act
    await page.goto(pipeline.url);
    await page.click('#tab-quarantine');
    const row = '#quarantine-table tr[data-key^="quarantine/missing_event_type/"]';
    await page.waitForSelector(row);
    const reason = await page.textContent(`${row} .reason`);
    const preview = await page.textContent(`${row} .preview`);
    await page.click(`${row} .requeue-one`);
    await page.waitForSelector('#quarantine-result:has-text("still quarantined")');
    const result = await page.textContent('#quarantine-result');

    // Assess
    expect(reason).toBe('missing_event_type');
    expect(preview).toContain('evt-console-q');
    expect(preview).not.toContain(vin);
    expect(result).toContain('0 requeued, 1 still quarantined (missing_event_type)');
    expect(await pipeline.quarantine.list()).toHaveLength(1);
  }, 60_000);
});
