import { resolve } from 'node:path';
import type { PipelineOptions } from './types.ts';

/**
 * The local archive's folder for these options: none with `-c archive=false` (the stack then has
 * no archive either), else `archiveDir`, else `<dataDir>/archive`, else none (the processor
 * runtime then runs as with `-c archive=false`). The runtime builds the writer
 * (`local/archive.ts`) where the processor runs: in its hot-reload worker or in this thread.
 *
 * @example
 * ```ts
 * archiveDirOf({ dataDir: '.local-data' }); // '/abs/path/.local-data/archive'
 * ```
 */
export function archiveDirOf(
  options: Pick<PipelineOptions, 'archiveDir' | 'dataDir' | 'settings'>,
): string | undefined {
  if (options.settings?.archive === false) return undefined;
  if (options.archiveDir) return resolve(options.archiveDir);
  return options.dataDir ? resolve(options.dataDir, 'archive') : undefined;
}
