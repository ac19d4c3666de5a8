/**
 * `npx tsx bench/replay-into-local.ts [--events N] [--screenshot PATH]`: measures
 * `npm run replay -- --stack NAME --into-local` as a user runs it. The command runs in its own
 * process against loopback stand-ins of CloudFormation and S3 (the test helpers, reached by the
 * real SDK clients through AWS_ENDPOINT_URL_*) holding N archived deliveries laid out as
 * Firehose files them (objects under the hour of their oldest record, across an hour boundary),
 * into a local pipeline in this process with the default handlers. Prints the copy rate (the
 * command's own messages/s into the local queue, at `--rate 3000`, its maximum) and the end-to-end
 * rate (from the command's start until the pipeline handled every copy). With `--screenshot`,
 * replays a small window afterwards and saves the console showing it (Debian chromium through
 * playwright-core, as the console's browser test does). Not part of `npm test` or `npm run bench`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { buildVehicleError, buildVehicleState } from '../bin/cli/sample-events.ts';
import { serializeArchiveLine } from '../lambda/core/archive-record.ts';
import { STACK_OUTPUTS } from '../lib/stack-outputs.ts';
import { createLocalArchiveWriter } from '../local/archive.ts';
import { startPipeline } from '../local/pipeline.ts';
import { archivedDelivery } from '../test/helpers/archived-delivery.ts';
import { startCloudFormationStub } from '../test/helpers/cloudformation-stub.ts';
import { startS3Stub } from '../test/helpers/s3-stub.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const STACK = 'SmartcarWebhooks-prod';
const BUCKET = 'smartcarwebhooks-prod-archive';
const WINDOW_START = Date.parse('2026-12-01T08:30:00Z');
const WINDOW_MS = 60 * 60 * 1000;

function log(message: string): void {
  process.stderr.write(`[replay-into-local] ${message}\n`);
}

/** The archive folder of `events` deliveries spread over an hour from 08:30, 1 in 10 a VEHICLE_ERROR, for 50 vehicles. */
async function buildArchive(dir: string, events: number): Promise<void> {
  let clock = WINDOW_START;
  const writer = createLocalArchiveWriter({ dir, now: () => clock, bufferingIntervalMs: 300_000 });
  for (let i = 0; i < events; i += 10) {
    const lines = [];
    for (let j = i; j < Math.min(i + 10, events); j++) {
      const receivedAt = WINDOW_START + Math.floor((j / events) * WINDOW_MS);
      const payload =
        j % 10 === 9
          ? buildVehicleError({ vehicleId: `veh-${j % 50}` })
          : buildVehicleState({ vehicleId: `veh-${j % 50}`, oemUpdatedAt: receivedAt });
      lines.push({ id: String(j), line: serializeArchiveLine(archivedDelivery(payload, receivedAt))! });
      clock = receivedAt + 2_000;
    }
    await writer.write(lines);
  }
}

function runReplay(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/replay.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string' }, screenshot: { type: 'string' } } });
  const events = Number(values.events ?? 3_000);
  const dir = mkdtempSync(join(tmpdir(), 'replay-into-local-bench-'));
  const s3 = await startS3Stub();
  const cfn = await startCloudFormationStub();
  const pipeline = await startPipeline({ port: 0, quiet: true, logLevel: 'ERROR' });
  try {
    log(`archiving ${events} deliveries as Firehose files them`);
    await buildArchive(dir, events);
    const keys = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.gz'))
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
    s3.buckets.set(BUCKET, new Map(keys.map((key) => [key, readFileSync(join(dir, key))])));
    cfn.stacks.set(STACK, {
      [STACK_OUTPUTS.ARCHIVE_BUCKET_NAME]: BUCKET,
      [STACK_OUTPUTS.QUEUE_URL]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/prod',
    });
    const env = {
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
    };
    const window = [
      '--from',
      new Date(WINDOW_START).toISOString(),
      '--to',
      new Date(WINDOW_START + WINDOW_MS).toISOString(),
    ];
    const before = await pipeline.refreshStats();
    log(`replaying ${keys.length} objects into the local pipeline`);
    const started = performance.now();
    const run = await runReplay(
      ['--stack', STACK, ...window, '--into-local', pipeline.url, '--yes', '--rate', '3000', '--json'],
      env,
    );
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { sent: number; messagesPerSecond: number };
    const copied = performance.now() - started;
    await pipeline.waitFor(
      (s) => s.replayed + s.duplicates - before.replayed - before.duplicates >= summary.sent,
      600_000,
    );
    const handled = performance.now() - started;
    const result = {
      events,
      objects: keys.length,
      sent: summary.sent,
      copy_messages_per_second: summary.messagesPerSecond,
      command_wall_s: Number((copied / 1000).toFixed(2)),
      end_to_end_events_per_second: Number(((summary.sent / handled) * 1000).toFixed(1)),
      end_to_end_s: Number((handled / 1000).toFixed(2)),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

    if (values.screenshot) {
      log('a small window for the screenshot');
      const small = [
        '--from',
        new Date(WINDOW_START + 20 * 60_000).toISOString(),
        '--to',
        new Date(WINDOW_START + 40 * 60_000).toISOString(),
      ];
      await runReplay(['--stack', STACK, ...small, '--into-local', pipeline.url, '--yes', '--vehicle', 'veh-7'], env);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        await page.goto(`${pipeline.url}/`);
        await page.click('#tab-deliveries');
        await page.fill('#delivery-filters input[name="vehicle"]', 'veh-7');
        await page.waitForSelector('tr[data-from-archive] .badge.from-archive');
        await page.click('tr[data-from-archive]');
        await page.waitForSelector('#detail-from-archive');
        await page.screenshot({ path: values.screenshot });
        log(`wrote ${values.screenshot}`);
      } finally {
        await browser.close();
      }
    }
  } finally {
    await pipeline.stop();
    await s3.close();
    await cfn.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
