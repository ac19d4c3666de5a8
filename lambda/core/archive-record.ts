import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * The archive's record format, shared by the processor (which writes it through Firehose or the
 * local archive), `npm run replay` (which reads it back) and the tests: one JSON object per line
 * (NDJSON), each line ending in `\n`, so the lines of concatenated records are a valid file.
 */

/** Version of the line format; a reader refuses lines of a version it does not know. */
export const ARCHIVE_RECORD_VERSION = 1;

/**
 * Largest Firehose record, in bytes, before base64 (1,000 KiB: a hard limit of `PutRecordBatch`).
 * An SQS body can reach 1 MiB, so a few lines can be too large as plain text.
 */
export const FIREHOSE_MAX_RECORD_BYTES = 1_000 * 1024;

/** How a line carries the body: as the text itself (`utf8`), or gzipped and base64-encoded when the text would not fit. */
export type ArchiveBodyEncoding = 'utf8' | 'gzip-base64';

/** The delivery attributes the receiver set on the SQS message, and the body, as archived. */
export interface ArchivedDelivery {
  /** Smartcar's eventId (absent only for bodies without one, e.g. legacy payloads). */
  eventId?: string;
  eventType: string;
  deliveryId?: string;
  /** `data` or `error`: the callback route the delivery came in on. */
  route: string;
  /** Epoch ms when the receiver accepted the delivery. */
  receivedAt: number;
  /** The raw body, exactly the bytes that were signed (so it can be verified again with the AMT). */
  body: string;
}

/** One archive line as stored: {@link ArchivedDelivery} plus the format version and the body's encoding. */
export interface ArchiveLine extends Omit<ArchivedDelivery, 'body'> {
  v: typeof ARCHIVE_RECORD_VERSION;
  bodyEncoding?: ArchiveBodyEncoding;
  body: string;
}

/** A line that cannot be read back; the message never contains body content. */
export class ArchiveFormatError extends Error {
  public constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ArchiveFormatError';
  }
}

/**
 * Serializes one delivery as an archive line (JSON plus `\n`). When the line would exceed
 * `maxBytes` (Firehose's record limit), the body is stored gzipped and base64-encoded instead,
 * which {@link parseArchiveLine} undoes byte for byte; `undefined` when even that does not fit.
 *
 * @example
 * ```ts
 * const line = serializeArchiveLine({ eventId: 'e-1', eventType: 'VEHICLE_STATE', route: 'data', receivedAt: 1, body });
 * // '{"v":1,"eventId":"e-1",...,"body":"{\"eventId\":\"e-1\",...}"}\n'
 * ```
 */
export function serializeArchiveLine(
  delivery: ArchivedDelivery,
  maxBytes = FIREHOSE_MAX_RECORD_BYTES,
): Buffer | undefined {
  const { body, ...attributes } = delivery;
  const plain = Buffer.from(`${JSON.stringify({ v: ARCHIVE_RECORD_VERSION, ...attributes, body })}\n`, 'utf8');
  if (plain.length <= maxBytes) return plain;
  const packed = gzipSync(Buffer.from(body, 'utf8')).toString('base64');
  const line = Buffer.from(
    `${JSON.stringify({ v: ARCHIVE_RECORD_VERSION, ...attributes, bodyEncoding: 'gzip-base64', body: packed })}\n`,
    'utf8',
  );
  return line.length <= maxBytes ? line : undefined;
}

/**
 * Reads one archive line (without or with its `\n`) back into the delivery it archived.
 *
 * @throws ArchiveFormatError when the line is not a version-1 record.
 * @example
 * ```ts
 * const { eventId, body } = parseArchiveLine(line);
 * ```
 */
export function parseArchiveLine(line: string): ArchivedDelivery {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    throw new ArchiveFormatError('an archive line is not JSON', { cause: error });
  }
  const record = parsed as Partial<ArchiveLine> | null;
  if (typeof record !== 'object' || record === null || record.v !== ARCHIVE_RECORD_VERSION) {
    throw new ArchiveFormatError(`an archive line is not a version ${ARCHIVE_RECORD_VERSION} record`);
  }
  if (
    typeof record.body !== 'string' ||
    typeof record.eventType !== 'string' ||
    typeof record.receivedAt !== 'number'
  ) {
    throw new ArchiveFormatError('an archive line lacks body, eventType or receivedAt');
  }
  const body =
    record.bodyEncoding === 'gzip-base64'
      ? gunzipSync(Buffer.from(record.body, 'base64')).toString('utf8')
      : record.body;
  return {
    ...(record.eventId !== undefined ? { eventId: record.eventId } : {}),
    eventType: record.eventType,
    ...(record.deliveryId !== undefined ? { deliveryId: record.deliveryId } : {}),
    route: String(record.route ?? ''),
    receivedAt: record.receivedAt,
    body,
  };
}

/** What {@link readArchiveObject} found in one archive object. */
export interface ArchiveObjectContents {
  deliveries: ArchivedDelivery[];
  /** Lines that could not be read, with their 1-based line number and why. */
  badLines: Array<{ line: number; reason: string }>;
}

/**
 * Gunzips one archive object (a Firehose S3 object or a local archive file) and reads its lines.
 * An object is one GZIP member (local files, and S3 objects Firehose compressed itself before
 * the processor packed its records) or several end to end (one per packed Firehose record):
 * zlib's gunzip reads every member, so both read the same. A truncated or corrupt object throws:
 * its loss is reported, never taken for an empty object.
 *
 * @throws ArchiveFormatError when the object is not complete GZIP data.
 * @example
 * ```ts
 * const { deliveries, badLines } = readArchiveObject(await readFile(path));
 * ```
 */
export function readArchiveObject(gzipped: Uint8Array): ArchiveObjectContents {
  let text: string;
  try {
    text = gunzipSync(gzipped).toString('utf8');
  } catch (error) {
    throw new ArchiveFormatError(`not complete GZIP data (${(error as Error).message})`, { cause: error });
  }
  const contents: ArchiveObjectContents = { deliveries: [], badLines: [] };
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    try {
      contents.deliveries.push(parseArchiveLine(line));
    } catch (error) {
      contents.badLines.push({ line: index + 1, reason: (error as Error).message });
    }
  });
  return contents;
}
