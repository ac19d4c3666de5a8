import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { ARCHIVE_DATA_PREFIX, ARCHIVE_OBJECT_EXTENSION } from '../../lambda/core/archive-layout.ts';

/** Where the replay reads archive objects: the stack's bucket, or the local pipeline's folder. */
export interface ArchiveSource {
  /** Said in the command's output, e.g. `s3://bucket/events/`. */
  readonly description: string;
  /** Keys of the objects of one hour prefix (`2026/12/01/08/`), in key (= time) order. */
  list(hourPrefix: string): Promise<string[]>;
  /** The bytes of one object (GZIP: one member, or several end to end). */
  read(key: string): Promise<Uint8Array>;
}

/**
 * The archive bucket: `ListObjectsV2` per hour prefix (every page), `GetObject` per object.
 *
 * @example
 * ```ts
 * const source = s3ArchiveSource(new S3Client({}), 'smartcarwebhooks-dev-archivebucket-abc');
 * await source.list('2026/12/01/08/'); // ['events/2026/12/01/08/SmartcarWebhooks-...-1-2026-12-01-08-03-11-uuid.gz', ...]
 * ```
 */
export function s3ArchiveSource(s3: S3Client, bucket: string): ArchiveSource {
  return {
    description: `s3://${bucket}/${ARCHIVE_DATA_PREFIX}`,
    async list(hourPrefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: `${ARCHIVE_DATA_PREFIX}${hourPrefix}`,
            ContinuationToken: token,
          }),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async read(key) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!object.Body) throw new Error(`s3://${bucket}/${key} has no body`);
      return object.Body.transformToByteArray();
    },
  };
}

/**
 * A local archive folder (`<data-dir>/archive`), laid out as the bucket is: `events/YYYY/MM/DD/HH/*.gz`.
 *
 * @example
 * ```ts
 * const source = folderArchiveSource('.local-data/archive');
 * ```
 */
export function folderArchiveSource(dir: string): ArchiveSource {
  return {
    description: join(dir, ARCHIVE_DATA_PREFIX),
    async list(hourPrefix) {
      const folder = `${ARCHIVE_DATA_PREFIX}${hourPrefix}`;
      try {
        const names = await readdir(join(dir, folder));
        return names
          .filter((name) => name.endsWith(ARCHIVE_OBJECT_EXTENSION))
          .sort()
          .map((name) => `${folder}${name}`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    },
    read: (key) => readFile(join(dir, key)),
  };
}
