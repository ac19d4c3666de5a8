import { createServer } from 'node:http';
import { listenOnLoopback } from './loopback.ts';

/** A running {@link startS3Stub}. */
export interface S3Stub {
  /** e.g. `http://127.0.0.1:49152`: the S3 endpoint to give a client (path-style addressing). */
  readonly url: string;
  /** The objects of each bucket by key: what a test puts here, `GetObject` returns byte for byte. */
  readonly buckets: Map<string, Map<string, Buffer>>;
  /** The user metadata (`x-amz-meta-*`, names without the prefix) of each object put, by bucket and key. */
  readonly metadata: Map<string, Map<string, Record<string, string>>>;
  /** Every `PutObject` received, in order, as `bucket/key` (answered or not). */
  readonly puts: string[];
  /** While true, every `PutObject` is answered 500 `InternalError` and nothing is stored. */
  failPuts: boolean;
  close(): Promise<void>;
}

/** Text escaped for an XML element or attribute (the stand-ins' answers). */
export const xmlEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Reads a request body; an `aws-chunked` one (the SDK's streaming checksum encoding) is decoded
 * to its payload.
 */
async function readBody(request: import('node:http').IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (!String(request.headers['content-encoding'] ?? '').includes('aws-chunked')) return raw;
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '0', 16);
    if (!size) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * An S3 stand-in on 127.0.0.1 with the REST protocol the real SDK client speaks (path-style:
 * `forcePathStyle: true`): `ListObjectsV2` (`GET /bucket?list-type=2&prefix=...`, keys in order,
 * one page of `max-keys`, continuation tokens), `GetObject` and `HeadObject` (with the stored
 * `x-amz-meta-*`), `PutObject` (body and `x-amz-meta-*` kept; 500 while `failPuts`) and
 * `DeleteObject`. Anything else, or an unknown bucket or key, is a 404 `NoSuchKey`/`NoSuchBucket`
 * as S3 answers it.
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
  const metadata = new Map<string, Map<string, Record<string, string>>>();
  const state = { failPuts: false, puts: [] as string[] };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
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
    if (!bucket) return notFound('NoSuchBucket');
    const objectMetadata = (): Record<string, string> => metadata.get(decodeURIComponent(bucketName))?.get(key) ?? {};
    if (request.method === 'PUT' && key !== '') {
      state.puts.push(`${decodeURIComponent(bucketName)}/${key}`);
      if (state.failPuts) {
        response.writeHead(500, { 'content-type': 'application/xml' });
        response.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>stub</Message></Error>',
        );
        return;
      }
      bucket.set(key, body);
      const meta = Object.fromEntries(
        Object.entries(request.headers)
          .filter(([name]) => name.startsWith('x-amz-meta-'))
          .map(([name, value]) => [name.slice('x-amz-meta-'.length), String(value)]),
      );
      if (!metadata.has(decodeURIComponent(bucketName))) metadata.set(decodeURIComponent(bucketName), new Map());
      metadata.get(decodeURIComponent(bucketName))!.set(key, meta);
      response.writeHead(200, { etag: '"stub"' });
      response.end();
      return;
    }
    if (request.method === 'DELETE' && key !== '') {
      bucket.delete(key);
      metadata.get(decodeURIComponent(bucketName))?.delete(key);
      response.writeHead(204);
      response.end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound('NoSuchBucket');
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
    const metaHeaders = Object.fromEntries(
      Object.entries(objectMetadata()).map(([name, value]) => [`x-amz-meta-${name}`, value]),
    );
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': object.length,
      'last-modified': new Date().toUTCString(),
      ...metaHeaders,
    });
    response.end(request.method === 'HEAD' ? undefined : object);
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    buckets,
    metadata,
    get puts() {
      return state.puts;
    },
    get failPuts() {
      return state.failPuts;
    },
    set failPuts(value: boolean) {
      state.failPuts = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
