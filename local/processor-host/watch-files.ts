import { type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';

/** Files whose change reloads the processor; editors' swap and backup files are not among them. */
const SOURCE_FILE = /\.(c|m)?(t|j)s$|\.json$/;

/** How long a burst of writes (an editor saving, a formatter) is gathered into one change. */
export const WATCH_DEBOUNCE_MS = 150;

/**
 * Calls `onChange` with the last source file changed under any of `dirs` (recursively), once
 * per burst of changes.
 *
 * @returns a function that stops watching.
 * @example
 * ```ts
 * const stop = watchSourceFiles(['lambda/processor'], (file) => console.log(`${file} changed`));
 * stop();
 * ```
 */
export function watchSourceFiles(dirs: readonly string[], onChange: (file: string) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  const watchers: FSWatcher[] = dirs.map((dir) =>
    watch(dir, { recursive: true }, (_event, filename) => {
      if (!filename || !SOURCE_FILE.test(filename)) return;
      last = join(dir, filename.toString());
      clearTimeout(timer);
      timer = setTimeout(() => onChange(last), WATCH_DEBOUNCE_MS);
    }),
  );
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}
