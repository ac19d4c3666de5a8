import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import {
  QUARANTINE_PREFIX,
  type QuarantinedDelivery,
  type QuarantineMetadata,
  type QuarantineReason,
  type QuarantineStore,
  quarantineKey,
} from '../../lambda/core/quarantine-layout.ts';

/** Folders of the local quarantine: only their owner may list or enter them. */
const DIR_MODE = 0o700;
/** Files of the local quarantine hold unredacted bodies: only their owner may read them. */
const FILE_MODE = 0o600;
/** The metadata file beside each body. */
const META_SUFFIX = '.meta.json';
const TMP_SUFFIX = '.tmp';

/**
 * One quarantined delivery as the local store lists it: the shape the local console, the
 * simulator and `npm run dlq -- --local quarantine` read.
 *
 * @example
 * ```ts
 * const [entry]: QuarantineEntry[] = await store.list();
 * entry.body.toString('utf8'); // the body, byte for byte as it was signed
 * ```
 */
export interface QuarantineEntry {
  /** `quarantine/<reason>/YYYY/MM/DD/HH/<id>`, the same layout as the bucket's keys. */
  key: string;
  reason: QuarantineReason;
  /** Epoch ms when the receiver got it. */
  receivedAt: number;
  route: QuarantineMetadata['route'];
  deliveryId?: string;
  eventId?: string;
  eventType?: string;
  body: Buffer;
}

/**
 * The local pipeline's quarantine: what the receiver stores in S3 in AWS, kept under
 * `<dataDir>/quarantine/<reason>/YYYY/MM/DD/HH/<id>` (the body, byte for byte) with
 * `<id>.meta.json` beside it; in memory when there is no data folder (`npm start -- --in-memory`).
 * Folders are 0700 and files 0600; each file is written aside and renamed, the metadata first,
 * so a listed body always has its metadata and a crash never leaves half a body.
 *
 * @example
 * ```ts
 * const store = new LocalQuarantineStore('.local-data');
 * const receiver = createReceiverHandler({ ...deps, quarantine: store });
 * for (const entry of await store.list()) console.log(entry.key, entry.reason, entry.body.length);
 * ```
 */
export class LocalQuarantineStore implements QuarantineStore {
  private readonly memory = new Map<string, QuarantineEntry>();

  /**
   * @param dataDir The data folder (`quarantine/` is created in it); none keeps entries in memory.
   * @param uuid Unique part of each key. @default randomUUID
   */
  public constructor(
    public readonly dataDir?: string,
    private readonly uuid: () => string = randomUUID,
  ) {}

  /** Stores one delivery; resolves with its key once it is on disk (or in memory). */
  public async put(delivery: QuarantinedDelivery): Promise<string> {
    const key = quarantineKey(delivery, this.uuid());
    const { body, ...meta } = delivery;
    if (!this.dataDir) {
      this.memory.set(key, { key, ...meta, body: Buffer.from(body) });
      return key;
    }
    const file = this.fileOf(key);
    await mkdir(dirname(file), { recursive: true, mode: DIR_MODE });
    await writeAside(`${file}${META_SUFFIX}`, `${JSON.stringify(meta)}\n`);
    await writeAside(file, body);
    return key;
  }

  /** Every stored delivery, oldest key first. */
  public async list(): Promise<QuarantineEntry[]> {
    if (!this.dataDir) return [...this.memory.values()].sort((a, b) => a.key.localeCompare(b.key));
    const root = join(this.dataDir, QUARANTINE_PREFIX);
    const files = await listFiles(root);
    const entries: QuarantineEntry[] = [];
    for (const file of files.sort()) {
      if (file.endsWith(META_SUFFIX) || file.endsWith(TMP_SUFFIX)) continue;
      const entry = await this.read(`${QUARANTINE_PREFIX}${relative(root, file).split(sep).join('/')}`);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  /** One stored delivery by key, or `undefined`. */
  public async get(key: string): Promise<QuarantineEntry | undefined> {
    if (!this.dataDir) return this.memory.get(key);
    return this.read(key);
  }

  /** Removes one stored delivery (after a requeue); no error when it is gone already. */
  public async remove(key: string): Promise<void> {
    if (!this.dataDir) {
      this.memory.delete(key);
      return;
    }
    const file = this.fileOf(key);
    await rm(file, { force: true });
    await rm(`${file}${META_SUFFIX}`, { force: true });
  }

  private async read(key: string): Promise<QuarantineEntry | undefined> {
    const file = this.fileOf(key);
    try {
      const [body, meta] = await Promise.all([readFile(file), readFile(`${file}${META_SUFFIX}`, 'utf8')]);
      return { key, ...(JSON.parse(meta) as QuarantineMetadata), body };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** The file of a key; a key that would leave the quarantine folder is refused. */
  private fileOf(key: string): string {
    const root = join(this.dataDir ?? '', QUARANTINE_PREFIX);
    const file = join(this.dataDir ?? '', key);
    if (!key.startsWith(QUARANTINE_PREFIX) || relative(root, file).startsWith('..')) {
      throw new Error(`Not a quarantine key: ${key}`);
    }
    return file;
  }
}

async function writeAside(file: string, data: string | Buffer): Promise<void> {
  await writeFile(`${file}${TMP_SUFFIX}`, data, { mode: FILE_MODE });
  await rename(`${file}${TMP_SUFFIX}`, file);
}

async function listFiles(dir: string): Promise<string[]> {
  let names: import('node:fs').Dirent[];
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of names) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
