import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambda/core/constants.ts';
import { type NpmStart, startNpmStart } from '../helpers/npm-start.ts';
import { post, stateDelivery } from './support.ts';

/**
 * Issue #19.6, "Local file permissions": the local data folder holds unredacted bodies (the
 * console's deliveries for re-send, the archive, queue snapshots, dynalite's tables). Its folders
 * must be 0700 and its files 0600: those `npm start` creates, those it creates later while it
 * runs and at stop, and those an older version left behind with wider modes.
 */

const AMT = 'permissions-test-amt';
const root = mkdtempSync(join(tmpdir(), 'data-dir-permissions-'));
const dataDir = join(root, 'data');
let start: NpmStart | undefined;

/** Every folder and file under `dir` with its permission bits, e.g. `['archive/events', 0o700]`. */
function modes(dir: string): Array<[path: string, mode: number]> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isDirectory() || entry.isFile())
    .map((entry): [string, number] => {
      const path = join(entry.parentPath, entry.name);
      return [relative(dir, path), statSync(path).mode & 0o777];
    });
}

/** The entries of `modes()` that are not 0700 folders or 0600 files, with their modes in octal. */
function notPrivate(dir: string): string[] {
  return [['.', statSync(dir).mode & 0o777] as [string, number], ...modes(dir)]
    .filter(([path, mode]) => mode !== (statSync(join(dir, path)).isDirectory() ? 0o700 : 0o600))
    .map(([path, mode]) => `${path} ${mode.toString(8)}`);
}

afterAll(async () => {
  await start?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the local data folder (issue #19.6)', () => {
  it("keeps every folder 0700 and every file 0600: at start (an older version's files too), while running, and after stop", async () => {
    // Prepare: a folder an older version left readable by everyone, with an archived body in it.
    const oldArchive = join(dataDir, 'archive', 'events', '2026', '01', '01', '00');
    mkdirSync(oldArchive, { recursive: true, mode: 0o755 });
    writeFileSync(join(oldArchive, 'old.gz'), 'old body', { mode: 0o644 });
    chmodSync(dataDir, 0o755);
    const delivery = stateDelivery(AMT);

    // Act
    start = await startNpmStart(['--data-dir', dataDir, '--no-reload'], { SMARTCAR_AMT: AMT });
    const atStart = notPrivate(dataDir);
    const { status } = await post(`${start.url}${ROUTES.DATA_PATH}`, delivery);
    for (let i = 0; i < 100; i++) {
      const stats = (await (await fetch(`${start.url}/_local/stats`)).json()) as { archived: number; queued: number };
      if (stats.archived >= 1 && stats.queued === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const whileRunning = notPrivate(dataDir);
    const code = await start.stop();
    const afterStop = notPrivate(dataDir);

    // Assess
    expect(status).toBe(200);
    expect(code).toBe(0);
    expect(atStart).toEqual([]);
    expect(whileRunning).toEqual([]);
    expect(afterStop).toEqual([]);
    const paths = modes(dataDir).map(([path]) => path);
    // What the run wrote: the archive object, the console's deliveries, the queue snapshot, dynalite's tables.
    expect(paths.filter((p) => p.startsWith('archive/events/') && p.endsWith('.gz')).length).toBeGreaterThanOrEqual(2);
    expect(paths).toContain('console/deliveries.json');
    expect(paths).toContain('sqs/queues.json');
    expect(paths.some((p) => p.startsWith('dynamodb/') && p !== 'dynamodb')).toBe(true);
  }, 60_000);
});
