import { chmod, lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The local data folder holds unredacted bodies (deliveries for re-send, the archive, queue
 * snapshots, the development AMT): its folders are this user's only (0700) and its files
 * readable and writable by this user only (0600), whatever the umask. `npm start` also sets its
 * umask to 077, so files the emulators write themselves (dynalite's database) are born private.
 */
export const PRIVATE_MODES = { dir: 0o700, file: 0o600 } as const;

/**
 * Creates `dir` (and its missing parents) as 0700, and makes it 0700 when it already exists.
 *
 * @example
 * ```ts
 * await makePrivateDir('.local-data/archive/events/2026/12/01/08');
 * ```
 */
export async function makePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_MODES.dir });
  await chmod(dir, PRIVATE_MODES.dir);
}

/**
 * Writes `file` as 0600 (also when it existed with a wider mode). Callers that need a whole
 * file write to a fresh temporary name with this, then rename.
 *
 * @example
 * ```ts
 * await writePrivateFile('.local-data/sqs/queues.json.tmp', json);
 * ```
 */
export async function writePrivateFile(file: string, data: string | Uint8Array): Promise<void> {
  await writeFile(file, data, { mode: PRIVATE_MODES.file });
  await chmod(file, PRIVATE_MODES.file);
}

/**
 * Makes the data folder and everything already in it private: folders 0700, files 0600. Run at
 * each start, so a folder written by an older version (or by a process with a wider umask) is
 * tightened before new bodies go in. Symbolic links are left alone (their targets are not ours
 * to change).
 *
 * @example
 * ```ts
 * await makeDataDirPrivate('.local-data');
 * ```
 */
export async function makeDataDirPrivate(dataDir: string): Promise<void> {
  await makePrivateDir(dataDir);
  for (const entry of await readdir(dataDir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const wanted = entry.isDirectory() ? PRIVATE_MODES.dir : entry.isFile() ? PRIVATE_MODES.file : undefined;
    if (wanted === undefined) continue;
    try {
      if (((await lstat(path)).mode & 0o777) !== wanted) await chmod(path, wanted);
    } catch (error) {
      // Removed since it was listed (a stale lock, a temporary file): nothing to protect.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
