import { resolve } from 'node:path';
import type { ProcessorDependencies } from '../lambda/processor/types/index.ts';
import { createLocalArchiveWriter } from './archive.ts';
import type { StatsCollector } from './stats.ts';
import type { PipelineOptions } from './types.ts';

/**
 * The local archive's folder for these options: `archiveDir`, else `<dataDir>/archive`, else none.
 *
 * @example
 * ```ts
 * archiveDirOf({ dataDir: '.local-data' }); // '/abs/path/.local-data/archive'
 * ```
 */
export function archiveDirOf(options: Pick<PipelineOptions, 'archiveDir' | 'dataDir'>): string | undefined {
  if (options.archiveDir) return resolve(options.archiveDir);
  return options.dataDir ? resolve(options.dataDir, 'archive') : undefined;
}

/**
 * The processor's `archive` dependency for the local pipeline (counted in the stats), or nothing
 * when it has no archive folder: the processor then runs as with `-c archive=false`.
 *
 * @example
 * ```ts
 * createProcessorHandler({ ...deps, ...localArchive(options, stats) });
 * ```
 */
export function localArchive(options: PipelineOptions, stats: Pick<StatsCollector, 'onArchived'>): Pick<ProcessorDependencies, 'archive'> {
  const dir = archiveDirOf(options);
  return dir ? { archive: createLocalArchiveWriter({ dir, onArchived: (count) => stats.onArchived(count) }) } : {};
}
