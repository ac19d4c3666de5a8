import { hourPrefix } from './archive-layout.ts';
import type { RouteKind } from './constants.ts';

/**
 * Where and how a quarantined delivery is kept: the receiver writes it (S3 in AWS, a folder in
 * `npm start`), `npm run dlq -- quarantine` and the local console read it. One layout for both,
 * `quarantine/<reason>/YYYY/MM/DD/HH/<id>` (the UTC hour it was received), so a listing by reason
 * and hour is one prefix (`docs/quarantine.md`).
 */

/** Prefix of every quarantined delivery in the bucket (and the local data folder's `quarantine/`). */
export const QUARANTINE_PREFIX = 'quarantine/';

/**
 * Why a validly signed delivery could not go to the queue. Stable: the `reason` of the metric,
 * the log line and the key, which users alert and filter on.
 *
 * @example
 * ```ts
 * const reason: QuarantineReason = QUARANTINE_REASON.NOT_JSON_OBJECT; // 'not_json_object'
 * ```
 */
export const QUARANTINE_REASON = {
  /** The base64 body is not UTF-8: SQS would store different text than Smartcar signed. */
  NOT_UTF8: 'not_utf8',
  /** Not JSON, or JSON that is not an object (an array, a string, ...). */
  NOT_JSON_OBJECT: 'not_json_object',
  /** Neither `eventType` nor legacy `eventName` is a non-empty string. */
  MISSING_EVENT_TYPE: 'missing_event_type',
  /** `eventId` longer than `EVENT_ID_MAX_BYTES`: no DynamoDB key can hold the processor's claim. */
  EVENT_ID_TOO_LONG: 'event_id_too_long',
  /** Characters SQS does not store (U+FFFE, U+FFFF, lone surrogates, most control characters). */
  CHARACTERS_SQS_REFUSES: 'characters_sqs_refuses',
  /** Over `MAX_BODY_BYTES`, or over the SQS message limit once the attributes are counted. */
  PAYLOAD_TOO_LARGE: 'payload_too_large',
} as const;

/** One of {@link QUARANTINE_REASON}'s values. */
export type QuarantineReason = (typeof QUARANTINE_REASON)[keyof typeof QUARANTINE_REASON];

const REASONS: ReadonlySet<string> = new Set(Object.values(QUARANTINE_REASON));

/**
 * True for a known reason.
 *
 * @example
 * ```ts
 * isQuarantineReason('not_utf8'); // true
 * ```
 */
export function isQuarantineReason(value: string): value is QuarantineReason {
  return REASONS.has(value);
}

/**
 * What is kept beside the body: enough to requeue it with the attributes the receiver would have
 * set, and to find it. Never the signature (it would let anyone holding the copy replay it).
 *
 * @example
 * ```ts
 * const meta: QuarantineMetadata = { reason: 'missing_event_type', receivedAt: Date.now(), route: 'data' };
 * ```
 */
export interface QuarantineMetadata {
  reason: QuarantineReason;
  /** Epoch milliseconds when the receiver got it. */
  receivedAt: number;
  route: RouteKind;
  deliveryId?: string;
  eventId?: string;
  eventType?: string;
}

/**
 * One quarantined delivery: its metadata and its body, byte for byte as Smartcar signed it.
 *
 * @example
 * ```ts
 * const delivery: QuarantinedDelivery = { reason: 'not_utf8', receivedAt: Date.now(), route: 'data', body: raw.bytes };
 * ```
 */
export interface QuarantinedDelivery extends QuarantineMetadata {
  body: Buffer;
}

/**
 * Where a quarantined delivery can be put: S3 in AWS, a folder locally. `put` resolves with the
 * key only once the body is stored; it rejects otherwise, and the receiver answers 503.
 *
 * @example
 * ```ts
 * const key = await store.put({ reason: 'not_utf8', receivedAt: Date.now(), route: 'data', body });
 * ```
 */
export interface QuarantineStore {
  put(delivery: QuarantinedDelivery): Promise<string>;
}

/** S3 user metadata names (`x-amz-meta-*`), lower case as S3 returns them. */
export const QUARANTINE_METADATA = {
  REASON: 'reason',
  RECEIVED_AT: 'received-at',
  ROUTE: 'route',
  DELIVERY_ID: 'delivery-id',
  EVENT_ID: 'event-id',
  EVENT_TYPE: 'event-type',
} as const;

/**
 * Ids safe in a key and in an HTTP header (S3 metadata travels as headers, 2 KB in all). A
 * signed id is Smartcar's, yet may be anything: one that does not fit is left out, as it is in
 * the body anyway.
 */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;
// Printable ASCII, no space at either end (HTTP trims those, and the signed value would differ).
const SAFE_HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]{0,254}[\x21-\x7e])?$/;

/**
 * The id as it may be written in a key or a metadata header, or `undefined` when it may not.
 *
 * @example
 * ```ts
 * headerSafe('dlv-1'); // 'dlv-1'
 * headerSafe('x'.repeat(5_000)); // undefined
 * ```
 */
export function headerSafe(value: string | undefined): string | undefined {
  return value !== undefined && SAFE_HEADER_VALUE.test(value) ? value : undefined;
}

/**
 * The key of a quarantined delivery: `quarantine/<reason>/YYYY/MM/DD/HH/<deliveryId>.<uuid>`
 * (just `<uuid>` when there is no key-safe delivery id). The uuid keeps two deliveries apart even
 * if they shared an id, so nothing is ever overwritten.
 *
 * @example
 * ```ts
 * quarantineKey({ reason: 'not_utf8', receivedAt: Date.parse('2026-12-01T08:30Z'), deliveryId: 'dlv-1' }, 'e1f0...');
 * // 'quarantine/not_utf8/2026/12/01/08/dlv-1.e1f0...'
 * ```
 */
export function quarantineKey(
  meta: Pick<QuarantineMetadata, 'reason' | 'receivedAt' | 'deliveryId'>,
  uuid: string,
): string {
  const id = meta.deliveryId && SAFE_ID.test(meta.deliveryId) ? `${meta.deliveryId}.${uuid}` : uuid;
  return `${QUARANTINE_PREFIX}${meta.reason}/${hourPrefix(meta.receivedAt)}${id}`;
}

/**
 * The reason a key was filed under, or `undefined` for a key outside the quarantine layout.
 *
 * @example
 * ```ts
 * reasonOfKey('quarantine/not_utf8/2026/12/01/08/abc'); // 'not_utf8'
 * ```
 */
export function reasonOfKey(key: string): QuarantineReason | undefined {
  if (!key.startsWith(QUARANTINE_PREFIX)) return undefined;
  const reason = key.slice(QUARANTINE_PREFIX.length).split('/')[0] ?? '';
  return isQuarantineReason(reason) ? reason : undefined;
}

/**
 * The S3 user metadata of a quarantined delivery; ids that are not header-safe are left out.
 *
 * @example
 * ```ts
 * toS3Metadata({ reason: 'not_utf8', receivedAt: 1, route: 'data' }); // { reason: 'not_utf8', 'received-at': '1', route: 'data' }
 * ```
 */
export function toS3Metadata(meta: QuarantineMetadata): Record<string, string> {
  const metadata: Record<string, string> = {
    [QUARANTINE_METADATA.REASON]: meta.reason,
    [QUARANTINE_METADATA.RECEIVED_AT]: String(meta.receivedAt),
    [QUARANTINE_METADATA.ROUTE]: meta.route,
  };
  const ids = [
    [QUARANTINE_METADATA.DELIVERY_ID, meta.deliveryId],
    [QUARANTINE_METADATA.EVENT_ID, meta.eventId],
    [QUARANTINE_METADATA.EVENT_TYPE, meta.eventType],
  ] as const;
  for (const [name, value] of ids) {
    const safe = headerSafe(value);
    if (safe) metadata[name] = safe;
  }
  return metadata;
}

/**
 * The metadata back from S3's (names lower case), with the key's reason when the object has none.
 *
 * @example
 * ```ts
 * fromS3Metadata('quarantine/not_utf8/2026/12/01/08/abc', head.Metadata ?? {}, head.LastModified);
 * ```
 */
export function fromS3Metadata(key: string, metadata: Record<string, string>, lastModified?: Date): QuarantineMetadata {
  const stored = metadata[QUARANTINE_METADATA.REASON];
  const reason =
    stored && isQuarantineReason(stored) ? stored : (reasonOfKey(key) ?? QUARANTINE_REASON.NOT_JSON_OBJECT);
  const receivedAt = Number(metadata[QUARANTINE_METADATA.RECEIVED_AT]);
  return {
    reason,
    receivedAt: Number.isFinite(receivedAt) && receivedAt > 0 ? receivedAt : (lastModified?.getTime() ?? 0),
    route: metadata[QUARANTINE_METADATA.ROUTE] === 'error' ? 'error' : 'data',
    ...(metadata[QUARANTINE_METADATA.DELIVERY_ID] ? { deliveryId: metadata[QUARANTINE_METADATA.DELIVERY_ID] } : {}),
    ...(metadata[QUARANTINE_METADATA.EVENT_ID] ? { eventId: metadata[QUARANTINE_METADATA.EVENT_ID] } : {}),
    ...(metadata[QUARANTINE_METADATA.EVENT_TYPE] ? { eventType: metadata[QUARANTINE_METADATA.EVENT_TYPE] } : {}),
  };
}
