import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { RouteKind } from '../core/constants.ts';
import { type QuarantineReason, type QuarantineStore, quarantineKey, toS3Metadata } from '../core/quarantine-layout.ts';
import type { SdkClientConnection } from '../core/sdk-client.ts';
import { loadReceiverS3Client, loadS3Module, type S3Module } from './clients.ts';
import { OUTCOME_CODE } from './constants.ts';
import type { Envelope } from './envelope.ts';
import type { Decision } from './types/decision.ts';
import type { ResolvedReceiverDependencies } from './types/dependencies.ts';
import type { RawBody } from './types/request.ts';
import { clipId } from './unsigned-request.ts';

/**
 * Options of {@link createS3QuarantineStore}.
 *
 * @example
 * ```ts
 * const options: S3QuarantineStoreOptions = { bucket: process.env.QUARANTINE_BUCKET_NAME! };
 * ```
 */
export interface S3QuarantineStoreOptions {
  bucket: string;
  /**
   * The client to use (tests: a path-style client for a loopback stand-in).
   * @default - the receiver's own (`loadReceiverS3Client`), built on the first quarantine
   */
  client?: S3Client;
  /** Where the default client sends its requests. @default - the SDK's usual configuration */
  connection?: SdkClientConnection;
  /** Unique part of each key. @default randomUUID */
  uuid?: () => string;
}

/**
 * The quarantine in S3: one `PutObject` per delivery, the body byte for byte under
 * `quarantine/<reason>/YYYY/MM/DD/HH/<id>`, its metadata as `x-amz-meta-*`; the bucket's default
 * encryption applies. `put` resolves only once S3 has stored the object. The S3 module is loaded
 * on the first quarantine, not at init, so the hot path's cold start pays nothing for it.
 *
 * @example
 * ```ts
 * const quarantine = createS3QuarantineStore({ bucket: 'smartcar-archive-abc' });
 * const key = await quarantine.put({ reason: 'not_utf8', receivedAt: Date.now(), route: 'data', body });
 * ```
 */
export function createS3QuarantineStore(options: S3QuarantineStoreOptions): QuarantineStore {
  const uuid = options.uuid ?? randomUUID;
  let loaded: Promise<{ client: S3Client; PutObjectCommand: S3Module['PutObjectCommand'] }> | undefined;
  const load = () => {
    loaded ??= (async () => {
      const module = await loadS3Module();
      const client = options.client ?? (await loadReceiverS3Client(options.connection));
      return { client, PutObjectCommand: module.PutObjectCommand };
    })().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  return {
    async put(delivery) {
      const { client, PutObjectCommand } = await load();
      const key = quarantineKey(delivery, uuid());
      await client.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: key,
          Body: delivery.body,
          ContentType: 'application/octet-stream',
          Metadata: toS3Metadata(delivery),
        }),
      );
      return key;
    },
  };
}

/**
 * A signed body the queue cannot take, and why.
 *
 * @example
 * ```ts
 * const refused: QuarantineCandidate = { route: 'data', raw, reason: 'not_utf8', receivedAt: Date.now() };
 * ```
 */
export interface QuarantineCandidate {
  route: RouteKind;
  raw: RawBody;
  reason: QuarantineReason;
  /** Epoch ms when the receiver got it. */
  receivedAt: number;
  /** The parsed body, when it parsed. */
  envelope?: Extract<Envelope, { kind: 'event' }>;
}

/**
 * Stores a signed body that cannot be processed normally in the quarantine, byte for byte, before
 * it is answered: `quarantined` (200) once stored, so Smartcar stops retrying and nothing is lost;
 * `quarantine_failed` (503) when the store failed, so Smartcar retries.
 *
 * @example
 * ```ts
 * return quarantineDelivery(deps, { route: request.route, raw, reason: 'missing_event_type', receivedAt, envelope });
 * ```
 */
export async function quarantineDelivery(
  deps: Pick<ResolvedReceiverDependencies, 'quarantine'>,
  candidate: QuarantineCandidate,
): Promise<Decision> {
  const { envelope, reason } = candidate;
  const ids = { eventType: clipId(envelope?.eventType), eventId: clipId(envelope?.eventId) };
  const deliveryId = clipId(envelope?.deliveryId);
  try {
    const key = await deps.quarantine.put({
      reason,
      receivedAt: candidate.receivedAt,
      route: candidate.route,
      body: candidate.raw.bytes,
      ...(envelope?.deliveryId ? { deliveryId: envelope.deliveryId } : {}),
      ...(envelope?.eventId ? { eventId: envelope.eventId } : {}),
      ...(envelope?.eventType ? { eventType: envelope.eventType } : {}),
    });
    return { code: OUTCOME_CODE.QUARANTINED, ...ids, details: { reason, deliveryId, key } };
  } catch (error) {
    return {
      code: OUTCOME_CODE.QUARANTINE_FAILED,
      ...ids,
      details: { reason, deliveryId, error: (error as Error)?.name ?? 'unknown' },
    };
  }
}
