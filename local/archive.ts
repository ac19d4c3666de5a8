import { randomUUID } from 'node:crypto';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { ARCHIVE_DATA_PREFIX, ARCHIVE_OBJECT_EXTENSION, hourPrefix } from '../lambda/core/archive-layout.ts';
import type { ArchiveWriter } from '../lambda/processor/types.ts';
import { makePrivateDir, writePrivateFile } from './private-files.ts';

const gzipAsync = promisify(gzip);

/** Options of {@link createLocalArchiveWriter}. */
export interface LocalArchiveOptions {
  /** Folder of the archive, e.g. `<data-dir>/archive`. */
  dir: string;
  /** Told how many deliveries each write stored (the local stats' `archived`). */
  onArchived?: (count: number) => void;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  /**
   * Firehose's layout: writes within this many ms of an object's first write go into that same
   * object, which stays filed under the hour of its OLDEST record, as Firehose's buffering
   * interval does (so an object under `…/08/` can hold records written at 09:04). 0 writes one
   * object per batch.
   * @default 0
   */
  bufferingIntervalMs?: number;
}

/** The object being filled while `bufferingIntervalMs` runs: its path, first write, and GZIP members. */
interface OpenObject {
  folder: string;
  name: string;
  openedAt: number;
  members: Buffer[];
}

/**
 * The local stand-in for the archive's Firehose stream: each batch becomes a GZIP member of
 * NDJSON lines in an object under `<dir>/events/YYYY/MM/DD/HH/` (the UTC hour of the object's
 * oldest record, as Firehose files objects), the same layout and format `npm run replay` reads
 * from S3. With `bufferingIntervalMs`, later batches join the open object as Firehose's buffer
 * does. The file appears whole or not at all (written aside, then renamed over the previous
 * version), so a crash never leaves a truncated object; folders are 0700 and objects 0600 (they
 * hold bodies); a failed write rejects and the processor
 * fails the batch back to the queue.
 *
 * @example
 * ```ts
 * const archive = createLocalArchiveWriter({ dir: '.local-data/archive' });
 * const processor = createProcessorHandler({ ...deps, archive });
 * ```
 */
export function createLocalArchiveWriter(options: LocalArchiveOptions): ArchiveWriter {
  const now = options.now ?? Date.now;
  const interval = options.bufferingIntervalMs ?? 0;
  let open: OpenObject | undefined;
  // Writes run one after another: each rewrites the open object whole.
  let queue: Promise<unknown> = Promise.resolve();
  const writeOne = async (lines: Buffer): Promise<void> => {
    const at = now();
    if (!open || interval === 0 || at - open.openedAt >= interval) {
      open = {
        folder: join(options.dir, `${ARCHIVE_DATA_PREFIX}${hourPrefix(at)}`),
        name: `local-archive-${new Date(at).toISOString().replace(/[:.]/g, '-')}-${randomUUID()}${ARCHIVE_OBJECT_EXTENSION}`,
        openedAt: at,
        members: [],
      };
    }
    const target = open;
    const members = [...target.members, await gzipAsync(lines)];
    await makePrivateDir(target.folder);
    await writePrivateFile(join(target.folder, `.${target.name}.tmp`), Buffer.concat(members));
    await rename(join(target.folder, `.${target.name}.tmp`), join(target.folder, target.name));
    target.members = members;
  };
  return {
    async write(entries) {
      const done = queue.then(() => writeOne(Buffer.concat(entries.map((entry) => entry.line))));
      queue = done.catch(() => undefined);
      await done;
      options.onArchived?.(entries.length);
      return { failed: new Map() };
    },
  };
}
