import { randomUUID } from 'node:crypto';
import { link, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_DEFAULTS } from './constants.ts';
import { makeDataDirPrivate, writePrivateFile } from './private-files.ts';

/**
 * One pipeline per data folder. dynalite's LevelDB takes a lock on its files too, but a second
 * start that hits it fails deep in the emulator host with "Database is closed"; this lock is
 * taken first and names the pipeline that holds the folder (its pid, URL and start time).
 */

/**
 * The base error of this module: the data folder is held by another running pipeline; the
 * message names it (pid, URL once it listens, start time).
 *
 * @example
 * ```ts
 * if (error instanceof DataDirLockError) console.error(`npm start: ${error.message}`);
 * ```
 */
export class DataDirLockError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DataDirLockError';
  }
}

/** What the lock file says about the pipeline holding the folder. */
export interface DataDirHolder {
  pid: number;
  /** ISO time the holder took the lock. */
  since: string;
  /** The holder's base URL, once it listens. */
  url?: string;
}

/** A data folder held by this process until {@link DataDirLock.release}. */
export interface DataDirLock {
  /** The lock file, `<dataDir>/pipeline.lock`. */
  readonly file: string;
  /** Records where this pipeline listens, so a second start can say where the first one is. */
  setUrl(url: string): Promise<void>;
  /** Removes the lock file if it is still this process's; idempotent. */
  release(): Promise<void>;
}

/**
 * Takes `<dataDir>/pipeline.lock` for this process (folder created). The file is linked into
 * place whole, so two starts racing for it cannot both win; a lock left by a process that no
 * longer runs (`kill -9`, a crash) is taken over.
 *
 * @throws {DataDirLockError} while a running process holds the folder; the message names it.
 * @example
 * ```ts
 * const lock = await lockDataDir('.local-data'); // throws while another npm start uses it
 * await lock.setUrl('http://127.0.0.1:3000');
 * await lock.release();
 * ```
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  // The folder holds bodies: this user's only, older contents included (`private-files.ts`).
  await makeDataDirPrivate(dataDir);
  const file = join(dataDir, LOCAL_DEFAULTS.dataDirLockFile);
  const mine: DataDirHolder = { pid: process.pid, since: new Date().toISOString() };
  // Two tries: the second follows the removal of a stale lock, which another start may win.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await linkWhole(file, mine)) return heldLock(file, mine);
    const holder = await readHolder(file);
    if (holder && isRunning(holder.pid)) throw new DataDirLockError(describeHolder(dataDir, holder));
    await unlink(file).catch(ignoreMissing);
  }
  const holder = await readHolder(file);
  throw new DataDirLockError(holder ? describeHolder(dataDir, holder) : `${dataDir} is being locked by another start`);
}

function heldLock(file: string, mine: DataDirHolder): DataDirLock {
  let released = false;
  return {
    file,
    async setUrl(url) {
      mine.url = url;
      const temp = `${file}.${randomUUID()}.tmp`;
      await writePrivateFile(temp, `${JSON.stringify(mine)}\n`);
      await rename(temp, file);
    },
    async release() {
      if (released) return;
      released = true;
      if ((await readHolder(file))?.pid === mine.pid) await unlink(file).catch(ignoreMissing);
    },
  };
}

/** Creates `file` holding `holder`, complete or not at all; false when it exists already. */
async function linkWhole(file: string, holder: DataDirHolder): Promise<boolean> {
  const temp = `${file}.${randomUUID()}.tmp`;
  await writePrivateFile(temp, `${JSON.stringify(holder)}\n`);
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(ignoreMissing);
  }
}

/** The holder the lock file names; `undefined` when it is gone or unreadable (taken over then). */
async function readHolder(file: string): Promise<DataDirHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(file, 'utf8')) as Partial<DataDirHolder>;
    return Number.isInteger(holder.pid) ? (holder as DataDirHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 only asks whether the process exists; EPERM means it does, under another user. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeHolder(dataDir: string, holder: DataDirHolder): string {
  const where = holder.url ? `, ${holder.url}` : '';
  return `${dataDir} is in use by another local pipeline (pid ${holder.pid}${where}, since ${holder.since})`;
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
