import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_AMT_FILE_ENV } from '../../local/api/constants.ts';

/** Repository root. */
const ROOT = new URL('../../', import.meta.url).pathname;

/** A running `npm start` (the `tsx local/start.ts` the start script runs). */
export interface NpmStart {
  child: ChildProcessWithoutNullStreams;
  /** e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once `pattern` appears in the output printed after `from` characters. */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<string>;
  /** Ctrl-C; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Factory: starts `npm start -- ...args` on a free port and resolves once its banner is out.
 *
 * @example
 * ```ts
 * const start = await startNpmStart(['--data-dir', dir]);
 * await fetch(`${start.url}/_local/stats`);
 * await start.stop();
 * ```
 */
export async function startNpmStart(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<NpmStart> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', '--port', '0', ...args], {
    cwd: ROOT,
    // The development token goes to a temporary file, never into this checkout's .local-data.
    env: {
      ...process.env,
      SMARTCAR_AMT: '',
      [LOCAL_AMT_FILE_ENV]: join(mkdtempSync(join(tmpdir(), 'npm-start-amt-')), 'amt'),
      ...env,
    },
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const waitFor = (pattern: RegExp, timeoutMs = 20_000, from = 0): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(output.slice(from))) return;
        done();
        resolve(output);
      };
      const onExit = (code: number | null): void => {
        done();
        reject(new Error(`npm start exited with ${code} before printing ${pattern}:\n${output}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`No ${pattern} within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off('exit', onExit);
      };
      listeners.add(check);
      child.once('exit', onExit);
      check();
    });
  const banner = await waitFor(/Ctrl-C stops everything/, 30_000);
  const url = /Console\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(banner)?.[1];
  if (!url) throw new Error(`No console URL in the banner:\n${banner}`);
  return {
    child,
    url,
    output: () => output,
    waitFor,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGINT');
      }),
  };
}
