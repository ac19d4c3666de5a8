import { readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makePrivateDir, writePrivateFile } from './private-files.ts';

/**
 * Writes `value` as JSON to `file` (folders created), through a temporary name and a rename, so
 * a crash mid-write leaves the previous file whole. Folder 0700, file 0600 (`private-files.ts`):
 * these files hold bodies.
 *
 * @example
 * ```ts
 * await writeJsonFile('.local-data/console/deliveries.json', log.snapshot());
 * ```
 */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await makePrivateDir(dirname(file));
  await writePrivateFile(`${file}.tmp`, `${JSON.stringify(value)}\n`);
  await rename(`${file}.tmp`, file);
}

/**
 * The JSON in `file`, or `undefined` when there is no such file.
 *
 * @throws Error when the file exists but is not JSON.
 * @example
 * ```ts
 * const saved = await readJsonFile<DeliveryLogSnapshot>('.local-data/console/deliveries.json');
 * ```
 */
export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}
