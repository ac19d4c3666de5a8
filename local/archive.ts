import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { ARCHIVE_DATA_PREFIX, ARCHIVE_OBJECT_EXTENSION, hourPrefix } from '../lambda/core/archive-layout.ts';
import type { ArchiveWriter } from '../lambda/processor/archive/types.ts';

const gzipAsync = promisify(gzip);

/** Options of {@link createLocalArchiveWriter}. */
export interface LocalArchiveOptions {
  /** Folder of the archive, e.g. `<data-dir>/archive`. */
  dir: string;
  /** Told how many deliveries each write stored (the local stats' `archived`). */
  onArchived?: (count: number) => void;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * The local stand-in for the archive's Firehose stream: each batch becomes one GZIP object of
 * NDJSON lines under `<dir>/events/YYYY/MM/DD/HH/` (the UTC hour it was written, as Firehose
 * files objects by arrival), the same layout and format `npm run replay` reads from S3. The file
 * appears whole or not at all (written aside, then renamed), so a crash never leaves a truncated
 * object; a failed write rejects and the processor fails the batch back to the queue.
 *
 * @example
 * ```ts
 * const archive = createLocalArchiveWriter({ dir: '.local-data/archive' });
 * const processor = createProcessorHandler({ ...deps, archive });
 * ```
 */
export function createLocalArchiveWriter(options: LocalArchiveOptions): ArchiveWriter {
  const now = options.now ?? Date.now;
  return {
    async write(entries) {
      const at = now();
      const folder = join(options.dir, `${ARCHIVE_DATA_PREFIX}${hourPrefix(at)}`);
      await mkdir(folder, { recursive: true });
      const name = `local-archive-${new Date(at).toISOString().replace(/[:.]/g, '-')}-${randomUUID()}${ARCHIVE_OBJECT_EXTENSION}`;
      const data = await gzipAsync(Buffer.concat(entries.map((entry) => entry.line)));
      await writeFile(join(folder, `.${name}.tmp`), data);
      await rename(join(folder, `.${name}.tmp`), join(folder, name));
      options.onArchived?.(entries.length);
      return { failed: new Map() };
    },
  };
}
