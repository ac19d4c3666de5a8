import { createServer } from 'node:http';
import { listenOnLoopback } from './loopback.ts';

/** A running {@link startS3Stub}. */
export interface S3Stub {
  /** e.g. `http://127.0.0.1:49152`: the S3 endpoint to give a client (path-style addressing). */
  readonly url: string;
  /** The objects of each bucket by key: what a test puts here, `GetObject` returns byte for byte. */
  readonly buckets: Map<string, Map<string, Buffer>>;
  close(): Promise<void>;
}

/** Text escaped for an XML element or attribute (the stand-ins' answers). */
export const xmlEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * An S3 stand-in on 127.0.0.1 that answers the two calls `npm run replay` makes, with the REST
 * protocol the real SDK client speaks (path-style: `forcePathStyle: true`): `ListObjectsV2`
 * (`GET /bucket?list-type=2&prefix=...`, keys in order, one page of `max-keys`, continuation
 * tokens) and `GetObject` (`GET /bucket/key`). Anything else, or an unknown bucket or key, is a
 * 404 `NoSuchKey`/`NoSuchBucket` as S3 answers it.
 *
 * @example
 * ```ts
 * const s3 = await startS3Stub();
 * s3.buckets.set('archive', new Map([['events/2026/12/01/08/a.gz', gzipSync('...')]]));
 * const client = new S3Client({ endpoint: s3.url, forcePathStyle: true, region: 'us-east-1', credentials });
 * ```
 */
export async function startS3Stub(): Promise<S3Stub> {
  const buckets = new Map<string, Map<string, Buffer>>();
  const server = createServer((request, response) => {
    request.resume();
    const url = new URL(request.url ?? '/', 'http://s3.local');
    const [, bucketName = '', ...keyParts] = url.pathname.split('/');
    const key = decodeURIComponent(keyParts.join('/'));
    const notFound = (code: string): void => {
      response.writeHead(404, { 'content-type': 'application/xml' });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
      );
    };
    const bucket = buckets.get(decodeURIComponent(bucketName));
    if (!bucket || request.method !== 'GET') return notFound('NoSuchBucket');
    if (key === '' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const after = url.searchParams.get('continuation-token') ?? '';
      const maxKeys = Number(url.searchParams.get('max-keys') ?? 1_000);
      const keys = [...bucket.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
      const page = keys.slice(0, maxKeys);
      const truncated = keys.length > page.length;
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
          `<Name>${xmlEscape(bucketName)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>` +
          `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
          (truncated ? `<NextContinuationToken>${xmlEscape(page.at(-1) ?? '')}</NextContinuationToken>` : '') +
          page
            .map((k) => `<Contents><Key>${xmlEscape(k)}</Key><Size>${bucket.get(k)?.length ?? 0}</Size></Contents>`)
            .join('') +
          '</ListBucketResult>',
      );
      return;
    }
    const object = bucket.get(key);
    if (!object) return notFound('NoSuchKey');
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': object.length });
    response.end(object);
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    buckets,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
