import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { findAmt, findOrCreateLocalAmt } from '../../local/api/amt.ts';
import { ROOT, runTs } from '../e2e/support.ts';
import { listenOnLoopback } from '../helpers/loopback.ts';

/** Factory: an environment with no AMT but the local token file at `file`. */
function envWith(file: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { SMARTCAR_AMT: '', SMARTCAR_LOCAL_AMT_FILE: file, ...extra };
}

describe('where the AMT comes from (local/api/amt.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-amt-'));

  it('takes --amt, then $SMARTCAR_AMT, then .env, then the local token file', () => {
    // Prepare
    const envFile = join(dir, 'order.env');
    const file = join(dir, 'order-amt');
    writeFileSync(envFile, 'SMARTCAR_AMT=from-dotenv\n');
    writeFileSync(file, 'from-local-file\n');

    // Act
    const explicit = findAmt({ explicit: 'from-option', env: envWith(file, { SMARTCAR_AMT: 'from-env' }), envFile });
    const fromEnv = findAmt({ env: envWith(file, { SMARTCAR_AMT: 'from-env' }), envFile });
    const fromDotenv = findAmt({ env: envWith(file), envFile });
    const fromFile = findAmt({ env: envWith(file), envFile: join(dir, 'missing.env') });
    const none = findAmt({ env: envWith(join(dir, 'missing-amt')), envFile: join(dir, 'missing.env') });

    // Assess
    expect(explicit).toEqual({ amt: 'from-option', source: 'option' });
    expect(fromEnv).toEqual({ amt: 'from-env', source: 'environment' });
    expect(fromDotenv).toEqual({ amt: 'from-dotenv', source: 'dotenv', file: envFile });
    expect(fromFile).toEqual({ amt: 'from-local-file', source: 'local-file', file });
    expect(none).toBeUndefined();
  });

  it('generates the local token once, readable by this user only, and finds the same one afterwards', () => {
    // Prepare
    const file = join(dir, 'nested', 'amt');
    const lookup = { env: envWith(file), envFile: join(dir, 'missing.env') };

    // Act
    const first = findOrCreateLocalAmt(lookup);
    const second = findOrCreateLocalAmt(lookup);
    const fromCommand = findAmt(lookup);

    // Assess
    expect(first.amt).toMatch(/^local-dev-amt-[0-9a-f]{32}$/);
    expect(second).toEqual(first);
    expect(fromCommand).toEqual(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes no file when an AMT is configured', () => {
    // Prepare
    const file = join(dir, 'unused-amt');

    // Act
    const found = findOrCreateLocalAmt({ env: envWith(file, { SMARTCAR_AMT: 'configured' }) });

    // Assess
    expect(found.source).toBe('environment');
    expect(() => statSync(file)).toThrow(/ENOENT/);
  });
});

describe('npm start, send and dlq share one AMT and one address', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-amt-e2e-'));
  const children: ChildProcessWithoutNullStreams[] = [];

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  /** `npm start` as the package script runs it; resolves once it is up, with its banner. */
  async function npmStart(env: NodeJS.ProcessEnv): Promise<{ banner: string; stop(): Promise<number | null> }> {
    // A folder of its own: the checkout's default `.local-data` may be in use by another test's start.
    const args = ['--dotenv', join(dir, 'missing.env'), '--data-dir', join(dir, 'pipeline')];
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN', ...env },
    });
    children.push(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await vi.waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
        if (!output.includes('Ctrl-C stops everything')) throw new Error(`npm start is not up yet:\n${output}`);
      },
      { timeout: 30_000, interval: 100 },
    );
    const banner = output;
    return {
      banner,
      stop: () =>
        new Promise((resolve) => {
          child.once('exit', (code) => resolve(code));
          child.kill('SIGINT');
        }),
    };
  }

  it('keeps the generated AMT across two starts without printing it; send and dlq reach the second start through PORT and sign with it', async () => {
    // Prepare: a free port for PORT, no AMT anywhere but the local token file
    const probe = createServer();
    const port = await listenOnLoopback(probe);
    await new Promise((resolve) => probe.close(resolve));
    const file = join(dir, 'data', 'amt');
    const env = envWith(file, { PORT: String(port) });

    // Act
    const first = await npmStart(env);
    const amtAfterFirst = readFileSync(file, 'utf8').trim();
    const firstExit = await first.stop();
    const second = await npmStart(env);
    const amtAfterSecond = readFileSync(file, 'utf8').trim();
    const sent = await runTs('bin/send.ts', ['state', '--dotenv', join(dir, 'missing.env')], { env });
    const verified = await runTs('bin/send.ts', ['verify', '--dotenv', join(dir, 'missing.env')], { env });
    const listed = await runTs('bin/dlq.ts', ['list'], { env });
    const secondExit = await second.stop();

    // Assess
    expect(firstExit).toBe(0);
    expect(secondExit).toBe(0);
    expect(amtAfterFirst).toMatch(/^local-dev-amt-[0-9a-f]{32}$/);
    expect(amtAfterSecond).toBe(amtAfterFirst);
    for (const banner of [first.banner, second.banner]) {
      expect(banner).toContain(`Webhook URL          http://127.0.0.1:${port}/webhooks/smartcar`);
      expect(banner).toContain(`from ${file} (the local development token; not a Smartcar token)`);
      expect(banner).not.toContain(amtAfterFirst);
    }
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain(`POST http://127.0.0.1:${port}/webhooks/smartcar (AMT from ${file}`);
    expect(sent.stdout).toMatch(/ok\s+200 VEHICLE_STATE/);
    expect(verified.code).toBe(0);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`local pipeline at http://127.0.0.1:${port}: 0 message(s) in the DLQ`);
    for (const run of [sent, verified, listed]) expect(run.stdout + run.stderr).not.toContain(amtAfterFirst);
  });

  it('refuses an unknown --log-level up front (exit 2), starting nothing', async () => {
    // Act
    const run = await runTs('local/start.ts', ['--log-level', 'LOUD', '--port', '0'], {
      env: envWith(join(dir, 'log-level-amt')),
    });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--log-level must be one of TRACE, DEBUG, INFO, WARN, ERROR, SILENT, CRITICAL, got "LOUD"',
    );
    expect(run.stdout).not.toContain('local pipeline is running');
  });
});
