import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { type NpmStart, startNpmStart } from '../helpers/npm-start.ts';
import { findChromium } from '../helpers/outside-tools.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
/**
 * Where the screenshots go: `docs/` with `UPDATE_SCREENSHOTS=1`, else a temporary
 * folder, so a test run never leaves the checkout dirty.
 */
const SCREENSHOT_DIR =
  process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs') : join(tmpdir(), 'smartcar-console-screenshots');

/** Chrome or Chromium: `CHROMIUM_PATH`, the system's, or Playwright's; never downloaded here. */
const CHROMIUM = findChromium();

/** The handlers module `npm start --handlers` loads: the repository's example, or one with a bug. */
function handlersModule(buggy: boolean): string {
  const example = new URL('lambda/processor/handlers/vehicle-state.ts', `file://${ROOT}`).href;
  return buggy
    ? `export const defaultHandlers = {\n  VEHICLE_STATE: async () => {\n    throw new RangeError('stateOfCharge out of range: the bug under test');\n  },\n};\n`
    : `import { handleVehicleState } from '${example}';\nexport const defaultHandlers = { VEHICLE_STATE: handleVehicleState };\n`;
}

describe(`the local console in a real browser (${CHROMIUM.problem === undefined ? CHROMIUM.version : 'no browser'} via playwright-core)`, () => {
  let dir: string;
  let handlersFile: string;
  let start: NpmStart;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // A missing browser fails the file (npm run test:browser says so before it starts), never skips it.
    if (CHROMIUM.problem !== undefined) throw new Error(`Missing ${CHROMIUM.problem}`);
    dir = await mkdtemp(join(tmpdir(), 'console-browser-'));
    handlersFile = join(dir, 'handlers.ts');
    // An ES module like the repository's own files (a folder without this would make it CommonJS).
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    await writeFile(handlersFile, handlersModule(false));
    start = await startNpmStart([
      '--dotenv',
      join(dir, 'none.env'),
      '--data-dir',
      join(dir, 'data'),
      '--visibility-timeout',
      '1',
      '--handlers',
      handlersFile,
    ]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('dialog', (dialog) => void dialog.accept());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await start?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Clicks Send VEHICLE_STATE and returns the eventId the page reports. */
  async function sendState(): Promise<string> {
    await page.click('#tab-send');
    const before = await page.textContent('#send-result');
    await page.click('#send-state');
    await page.waitForFunction(
      ([selector, old]) => {
        // Runs in the page: `globalThis.document` there (this file is type-checked without the DOM lib).
        const text =
          (
            globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }
          ).document.querySelector(selector!)?.textContent ?? '';
        return text !== old && text.includes('HTTP');
      },
      ['#send-result', before] as const,
    );
    const text = (await page.textContent('#send-result')) ?? '';
    expect(text).toContain('HTTP 200');
    return /VEHICLE_STATE (\S+)/.exec(text)![1]!;
  }

  /** Writes the handlers module and waits until `npm start` and the page report the reload. */
  async function rewriteHandlers(buggy: boolean): Promise<void> {
    const from = start.output().length;
    await writeFile(handlersFile, handlersModule(buggy));
    const output = await start.waitFor(
      /handlers\.ts changed: processor reloaded in \d+ ms \(generation \d+/,
      20_000,
      from,
    );
    // The last reload printed (an editor's save can come as more than one write).
    const generations = [...output.slice(from).matchAll(/\(generation (\d+)/g)].map((m) => m[1]);
    await page.waitForSelector(`#processor-status[data-generation="${generations.at(-1)}"]`);
  }

  /** Waits on the Deliveries tab until the event's row shows `state`. */
  async function waitForProcessing(eventId: string, state: string, timeout = 30_000): Promise<void> {
    await page.click('#tab-deliveries');
    await page.waitForSelector(`tr[data-event-id="${eventId}"] td.processing:text-is("${state}")`, { timeout });
  }

  it("sends from the page, shows a failing handler's attempts and DLQ, reloads the fix, redrives, and shows it processed", async () => {
    // Prepare: the console page
    await page.goto(`${start.url}/`);

    // Act 1: send an event from the page and see it processed
    const first = await sendState();
    await waitForProcessing(first, 'processed');

    // Act 2: put a bug in the handler (hot reload), send again, watch it land in the DLQ
    await rewriteHandlers(true);
    const poisoned = await sendState();
    await waitForProcessing(poisoned, 'dlq', 45_000);
    await page.click(`tr[data-event-id="${poisoned}"]`);
    await page.waitForSelector('#detail-steps .step-dlq');
    const failedSteps = await page.$$eval('#detail-steps .step-failed', (items) =>
      items.map((li) => li.textContent ?? ''),
    );
    await page.click('#tab-dlq');
    await page.waitForSelector(`#dlq-table tr[data-event-id="${poisoned}"]`);
    const lastError = await page.textContent(`#dlq-table tr[data-event-id="${poisoned}"] .last-error`);

    // Assess: one failed attempt per allowed receive, each with the handler's error; in the DLQ
    expect(failedSteps).toHaveLength(PIPELINE_DEFAULTS.maxReceiveCount);
    for (const [i, text] of failedSteps.entries()) {
      expect(text).toContain(`attempt ${i + 1}`);
      expect(text).toContain('RangeError: stateOfCharge out of range: the bug under test');
    }
    expect(lastError).toBe('RangeError: stateOfCharge out of range: the bug under test');

    // Act 3: fix the handler, see the reload, redrive from the page, see it processed
    await rewriteHandlers(false);
    await page.click(`#dlq-table tr[data-event-id="${poisoned}"] .redrive-one`);
    await page.waitForSelector('#dlq-result:has-text("moved 1")');
    await waitForProcessing(poisoned, 'processed');
    await page.click(`tr[data-event-id="${poisoned}"]`);
    await page.waitForSelector('#detail-steps .step-processed');
    const steps = await page.$$eval('#detail-steps .step', (items) =>
      items.map((li) => li.className.replace('step step-', '')),
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console.png') });

    // Assess: the whole story of the event, in order
    expect(steps).toEqual([...Array(PIPELINE_DEFAULTS.maxReceiveCount).fill('failed'), 'dlq', 'redriven', 'processed']);
    expect(await page.textContent('#processor-status')).toContain('handlers.ts');
    expect(start.output()).toMatch(new RegExp(`✓ processed\\s+VEHICLE_STATE\\s+${poisoned}`));
  }, 150_000);

  it('sends a VEHICLE_STATE of the signals picked from the catalogue, or of every signal, and it is processed', async () => {
    // Prepare
    await page.goto(`${start.url}/`);
    await page.click('#tab-send');
    await page.click('#send-signals-picker summary');
    await page.waitForSelector('#send-signals option[value="odometer-traveleddistance"]');
    const sentSignals = async (eventId: string): Promise<string[]> => {
      const detail = (await page.evaluate(
        async (path) => (await fetch(path)).json(),
        `/_local/deliveries/${encodeURIComponent(eventId)}`,
      )) as { deliveries: Array<{ requestBody: string }> };
      const body = JSON.parse(detail.deliveries[0]!.requestBody) as { data: { signals: Array<{ code: string }> } };
      return body.data.signals.map(({ code }) => code);
    };

    // Act
    await page.selectOption('#send-signals', ['charge-ischarging', 'odometer-traveleddistance']);
    const picked = await sendState();
    await page.click('#tab-send');
    const before = await page.textContent('#send-result');
    await page.click('#send-signals-all');
    // Wait for the answer line, not just any change: "Sending state…" comes first.
    await page.waitForFunction((old) => {
      const text = (
        globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }
      ).document.querySelector('#send-result')?.textContent;
      return text !== old && /^VEHICLE_STATE \S+ → HTTP/.test(text ?? '');
    }, before);
    const every = /VEHICLE_STATE (\S+)/.exec((await page.textContent('#send-result')) ?? '')![1]!;
    await waitForProcessing(picked, 'processed');
    await waitForProcessing(every, 'processed');

    // Assess
    expect(await sentSignals(picked)).toEqual(['charge-ischarging', 'odometer-traveleddistance']);
    expect(await sentSignals(every)).toHaveLength(90);
    expect(await page.$$eval('#send-signals optgroup', (groups) => groups.length)).toBe(19);
  }, 90_000);

  it("charts the dashboard's series from the functions' EMF lines", async () => {
    // Act
    await page.click('#tab-pipeline');
    await page.waitForSelector('.chart[data-title="Events processed by type"] canvas');
    const legend = await page.textContent('.chart[data-title="Events processed by type"] .u-legend');
    const failures = await page.textContent('.chart[data-title="Processor errors and throttles"] .u-legend');
    const titles = await page.$$eval('.chart', (charts) => charts.map((c) => c.getAttribute('data-title')));
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-pipeline.png') });

    // Assess
    expect(legend).toContain('EventProcessed VEHICLE_STATE');
    expect(failures).toContain('HandlerFailed Sum');
    expect(titles).toContain('Delivery lag (ms): processing time minus Smartcar deliveredAt');
    expect(titles).toContain('Queue and DLQ depth (on AWS: SQS metrics)');
  });
});
