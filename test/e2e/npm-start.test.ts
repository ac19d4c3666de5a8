import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runTs } from './support.ts';

/** Resolves with the child's output once `pattern` appears in it. */
function waitForOutput(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`No ${pattern} in output within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(output);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`npm start exited with ${code} before printing ${pattern}:\n${output}`)),
    );
  });
}

describe('`npm start` as a user runs it', () => {
  let child: ChildProcessWithoutNullStreams | undefined;

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the URLs and a send command that works, serves stats, and stops cleanly on Ctrl-C', async () => {
    // Prepare: the package.json start script, on a free port, without any AMT configured
    const amtFile = join(mkdtempSync(join(tmpdir(), 'npm-start-')), 'amt');
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/start.ts', '--port', '0', '--in-memory', '--dotenv', '/nonexistent/.env'],
      {
        cwd: ROOT,
        // The development token goes to a temporary file, never into this checkout's .local-data.
        env: { ...process.env, SMARTCAR_AMT: '', SMARTCAR_LOCAL_AMT_FILE: amtFile, POWERTOOLS_LOG_LEVEL: 'WARN' },
      },
    );
    const banner = await waitForOutput(child, /Ctrl-C stops everything/, 20_000);
    const baseUrl = /Live stats \(JSON\)\s+(http:\/\/127\.0\.0\.1:\d+)\/_local\/stats/.exec(banner)?.[1];
    const sendArgs = /npm run send -- (.+)/.exec(banner)?.[1]?.trim().split(/\s+/);

    // Act: run the printed command, then watch the stats
    const sent = await runTs('bin/send.ts', sendArgs ?? [], {
      env: { SMARTCAR_AMT: '', SMARTCAR_LOCAL_AMT_FILE: amtFile },
    });
    let stats: { processedTotal: number } = { processedTotal: 0 };
    for (let i = 0; i < 100 && stats.processedTotal < 1; i++) {
      stats = (await (await fetch(`${baseUrl}/_local/stats`)).json()) as typeof stats;
      if (stats.processedTotal < 1) await sleep(100);
    }
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    const exitCode = await exited;

    // Assess
    expect(banner).toMatch(/Webhook URL\s+http:\/\/127\.0\.0\.1:\d+\/webhooks\/smartcar/);
    expect(banner).toMatch(/Error callback URL\s+http:\/\/127\.0\.0\.1:\d+\/webhooks\/smartcar\/errors/);
    // No --allow-host: loopback Hosts only, and no line claiming otherwise.
    expect(banner).not.toContain('Allowed hosts');
    // The generated token is kept in the file, which the printed command reads, and never printed.
    expect(readFileSync(amtFile, 'utf8')).toMatch(/^local-dev-amt-[0-9a-f]{32}\n$/);
    expect(banner).toContain(`AMT                  from ${amtFile} (the local development token`);
    expect(banner).not.toContain(readFileSync(amtFile, 'utf8').trim());
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/ok\s+200 VEHICLE_STATE/);
    expect(stats.processedTotal).toBe(1);
    expect(exitCode).toBe(0);
  });
});
