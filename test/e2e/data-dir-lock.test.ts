import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_AMT_FILE_ENV, LOCAL_PATHS } from '../../local/api/constants.ts';
import { LOCAL_DEFAULTS } from '../../local/constants.ts';
import { DataDirLockError } from '../../local/data-dir-lock.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { type NpmStart, startNpmStart } from '../helpers/npm-start.ts';
import { runTs } from './support.ts';

/** One pipeline per data folder: a second start on it stops at once and names the first. */

describe('two npm starts on one data folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'data-dir-lock-'));
  const starts: NpmStart[] = [];

  afterAll(async () => {
    for (const start of starts) await start.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('stops the second with one line naming the first (pid, URL), leaves the first running, and frees the folder at Ctrl-C', async () => {
    // Prepare
    const dataDir = join(root, 'data');
    const first = await startNpmStart(['--data-dir', dataDir]);
    starts.push(first);

    // Act
    const second = await runTs('local/start.ts', ['--port', '0', '--data-dir', dataDir], {
      env: { SMARTCAR_AMT: '', [LOCAL_AMT_FILE_ENV]: join(root, 'amt') },
    });
    const firstStats = await fetch(`${first.url}${LOCAL_PATHS.STATS}`);
    const firstExit = await first.stop();
    const lockLeft = existsSync(join(dataDir, LOCAL_DEFAULTS.dataDirLockFile));
    const third = await startNpmStart(['--data-dir', dataDir]);
    starts.push(third);

    // Assess
    expect(second.code).toBe(1);
    expect(second.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^npm start: ${dataDir} is in use by another local pipeline \\(pid ${first.child.pid}, ${first.url}, since \\S+\\); ` +
            'stop that one \\(Ctrl-C\\), or give this one its own folder: --data-dir PATH, or --in-memory$',
        ),
      ),
    ]);
    expect(second.stdout).not.toContain('local pipeline is running');
    expect(firstStats.status).toBe(200);
    expect(firstExit).toBe(0);
    expect(lockLeft).toBe(false);
    expect(third.output()).toContain('local pipeline is running');
  });
});

describe('lockDataDir through startPipeline', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'data-dir-lock-stale-'));
  let pipeline: LocalPipeline | undefined;

  afterAll(async () => {
    await pipeline?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes over a lock left by a process that is gone, and refuses a second pipeline in this process', async () => {
    // Prepare: a lock file naming a process that has exited (kill -9, a crash)
    const gone = spawn(process.execPath, ['-e', '']);
    await once(gone, 'exit');
    const lockFile = join(dataDir, LOCAL_DEFAULTS.dataDirLockFile);
    writeFileSync(lockFile, JSON.stringify({ pid: gone.pid, since: '2026-01-01T00:00:00.000Z' }));

    // Act
    pipeline = await startPipeline({ port: 0, quiet: true, logLevel: 'SILENT', dataDir });
    const held = JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number; url: string };
    const second: unknown = await startPipeline({ port: 0, quiet: true, logLevel: 'SILENT', dataDir }).catch(
      (error: unknown) => error,
    );
    await pipeline.stop();
    pipeline = undefined;

    // Assess
    expect(held).toMatchObject({ pid: process.pid, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(second).toBeInstanceOf(DataDirLockError);
    expect((second as Error).message).toContain(`${dataDir} is in use by another local pipeline (pid ${process.pid}, `);
    expect(existsSync(lockFile)).toBe(false);
  });
});
