import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import type { SignalMergeResult } from '../../lambda/processor/types.ts';
import { createLocalSqsClient } from '../../local/api/sqs-client.ts';
import type { LocalEndpoints } from '../../local/api/types.ts';
import { startPipeline } from '../../local/pipeline.ts';
import { readLocalSettings } from '../../local/settings.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { post, ROOT, runTs, stateDelivery } from './support.ts';

/**
 * `npm start` takes the stack's settings from cdk.json and `-c key=value` through the settings
 * table's parser, and applies the queue settings with the same function as the stack.
 */

describe('readLocalSettings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-settings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads cdk.json's context, lets -c win, and says where each value came from", () => {
    // Prepare
    writeFileSync(
      join(dir, 'cdk.json'),
      JSON.stringify({ context: { '@aws-cdk/core:x': true, maxReceiveCount: 4, processorTimeoutSeconds: 45 } }),
    );

    // Act
    const read = readLocalSettings(dir, ['maxReceiveCount=6', 'alarmEmail=ops@example.com']);

    // Assess
    expect(read.settings).toEqual({
      maxReceiveCount: 6,
      processorTimeoutSeconds: 45,
      deliveryToleranceSeconds: undefined,
      futureToleranceSeconds: undefined,
      archive: undefined,
    });
    expect(read.sources).toEqual({
      maxReceiveCount: '-c',
      processorTimeoutSeconds: 'cdk.json',
      deliveryToleranceSeconds: 'default',
      futureToleranceSeconds: 'default',
      archive: 'default',
    });
  });

  it('refuses what cdk synth refuses: a typo (naming the nearest key), a bad value, a pair without =', () => {
    // Prepare
    writeFileSync(join(dir, 'cdk.json'), '{}');

    // Act
    const attempts = [['maxRecieveCount=5'], ['maxReceiveCount=0'], ['maxReceiveCount']].map(
      (pairs) => () => readLocalSettings(dir, pairs),
    );

    // Assess
    expect(attempts[0]).toThrow('Unknown context key "maxRecieveCount": did you mean "maxReceiveCount"?');
    expect(attempts[1]).toThrow('Invalid context "maxReceiveCount": expected an integer from 1 to 1000, got "0"');
    expect(attempts[2]).toThrow('Invalid context "maxReceiveCount": expected key=value after -c');
  });
});

describe('the local pipeline with maxReceiveCount set', () => {
  let pipeline: LocalPipeline | undefined;
  afterAll(async () => {
    await pipeline?.stop();
  });

  it('moves an always-failing event to the DLQ after that many receives, the last one counted as final', async () => {
    // Prepare
    pipeline = await startPipeline({
      port: 0,
      quiet: true,
      logLevel: 'SILENT',
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      settings: { maxReceiveCount: 1 },
      handlers: { VEHICLE_STATE: async () => Promise.reject(new Error('handler bug')) },
    });
    const delivery = stateDelivery(pipeline.amt);

    // Act
    const { status } = await post(pipeline.webhookUrl, delivery);
    const dead = await pipeline.waitFor((s) => s.dlq === 1 && s.queued === 0, 20_000);

    // Assess
    expect(status).toBe(200);
    expect([dead.failed, dead.finalFailures]).toEqual([1, 1]);
  });
});

describe('the local pipeline with -c futureToleranceSeconds', () => {
  let pipeline: LocalPipeline | undefined;
  afterAll(async () => pipeline?.stop());

  it("clamps a signal stamped a day ahead at the receiver's receipt plus that tolerance", async () => {
    // Prepare
    const merged: SignalMergeResult[] = [];
    pipeline = await startPipeline({
      port: 0,
      quiet: true,
      logLevel: 'SILENT',
      waitTimeSeconds: 1,
      settings: { futureToleranceSeconds: 60 },
      handlers: {
        VEHICLE_STATE: async (event, { vehicleState }) => {
          merged.push(await vehicleState.mergeSignals(event.vehicleId, event.signals, event.eventId));
        },
      },
    });
    const before = Date.now();
    const delivery = stateDelivery(pipeline.amt, { signalCount: 1, oemUpdatedAt: before + 86_400_000 });

    // Act
    await post(pipeline.webhookUrl, delivery);
    await pipeline.waitFor((s) => s.processedTotal === 1, 20_000);

    // Assess
    const [result] = merged;
    const orderedAt = result?.snapshot.signals['tractionbattery-stateofcharge']?.orderedAt ?? 0;
    expect(result?.future).toEqual(['tractionbattery-stateofcharge']);
    expect(orderedAt - 60_000).toBeGreaterThanOrEqual(before);
    expect(orderedAt - 60_000).toBeLessThanOrEqual(Date.now());
  });
});

describe('the local pipeline with -c archive=false', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'local-no-archive-'));
  let pipeline: LocalPipeline | undefined;
  afterAll(async () => {
    await pipeline?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('archives nothing, even with a data folder, and still handles every delivery', async () => {
    // Prepare
    const read = readLocalSettings(dataDir, ['archive=false']);
    pipeline = await startPipeline({
      port: 0,
      quiet: true,
      logLevel: 'SILENT',
      dataDir,
      waitTimeSeconds: 1,
      settings: read.settings,
    });
    const delivery = stateDelivery(pipeline.amt);

    // Act
    const { status } = await post(pipeline.webhookUrl, delivery);
    const stats = await pipeline.waitFor((s) => s.processedTotal === 1, 20_000);
    const endpoints = (await (await fetch(new URL('/_local/endpoints', pipeline.webhookUrl))).json()) as LocalEndpoints;

    // Assess
    expect([read.settings.archive, read.sources.archive]).toEqual([false, '-c']);
    expect(status).toBe(200);
    expect(stats.archived).toBe(0);
    expect(endpoints.archiveDir).toBeUndefined();
    expect(existsSync(join(dataDir, 'archive'))).toBe(false);
  });
});

describe('`npm start -c`', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-start-settings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the settings it used and where from, and gives the local queue that redrive', async () => {
    // Prepare
    const child = spawn(
      process.execPath,
      [
        ...['--import', 'tsx', 'local/start.ts', '--port', '0', '--dotenv', '/nonexistent/.env'],
        ...['--data-dir', join(dir, 'pipeline'), '-c', 'maxReceiveCount=5'],
      ],
      {
        cwd: ROOT,
        env: { ...process.env, SMARTCAR_AMT: '', POWERTOOLS_LOG_LEVEL: 'WARN' },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });

    try {
      // Act
      for (let i = 0; i < 200 && !/Ctrl-C stops everything/.test(output); i++)
        await new Promise((r) => setTimeout(r, 100));
      const baseUrl = /Live stats \(JSON\)\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const endpoints = (await (await fetch(`${baseUrl}/_local/endpoints`)).json()) as LocalEndpoints;
      const sqs = createLocalSqsClient(endpoints.sqsEndpoint);
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: endpoints.queueUrl, AttributeNames: ['RedrivePolicy'] }),
      );
      sqs.destroy();

      // Assess
      expect(output).toMatch(
        /Settings\s+maxReceiveCount 5 \(-c\), processorTimeoutSeconds 30 \(default\), deliveryToleranceSeconds 900 \(default\)/,
      );
      // Both lines in one banner: the settings above and the local archive (in the data folder).
      expect(output).toContain(`${join(dir, 'pipeline', 'archive')}`);
      expect(output).toMatch(/Archive\s+\/\S+\/pipeline\/archive\s+\(npm run replay -- --local/);
      expect(JSON.parse(attributes.Attributes?.RedrivePolicy ?? '{}')).toMatchObject({ maxReceiveCount: 5 });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  });

  it('stops before starting anything on a mistyped key, naming the nearest one', async () => {
    // Act
    const run = await runTs('local/start.ts', ['--port', '0', '-c', 'maxRecieveCount=5']);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Unknown context key "maxRecieveCount": did you mean "maxReceiveCount"?');
    expect(run.stdout).not.toContain('Webhook URL');
  });
});
