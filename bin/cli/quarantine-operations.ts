import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import {
  fromS3Metadata,
  QUARANTINE_PREFIX,
  type QuarantineMetadata,
  type QuarantineReason,
  reasonOfKey,
} from '../../lambda/core/quarantine-layout.ts';
import { enqueue } from '../../lambda/receiver/persist-delivery.ts';
import { classifySignedBody } from '../../lambda/receiver/signed-request.ts';
import type { LocalQuarantineStore, QuarantineEntry } from '../../local/api/quarantine-store.ts';

/**
 * One quarantined delivery as a listing shows it (no body: a listing of thousands stays cheap).
 *
 * @example
 * ```ts
 * const summary: QuarantineSummary = { key: 'quarantine/not_utf8/2026/12/01/08/abc', reason: 'not_utf8', bytes: 512, receivedAt: 1 };
 * ```
 */
export interface QuarantineSummary {
  key: string;
  reason: QuarantineReason | undefined;
  bytes: number;
  /** Epoch ms: when it was received (locally) or stored (S3's LastModified). */
  receivedAt: number | undefined;
  eventId?: string;
  deliveryId?: string;
}

/**
 * Where quarantined deliveries are read from and removed: the stack's bucket, or the local
 * pipeline's data folder.
 *
 * @example
 * ```ts
 * const source = s3QuarantineSource(new S3Client({}), 'smartcar-archive-abc');
 * for (const summary of await source.list({ reason: 'not_utf8' })) console.log(summary.key);
 * ```
 */
export interface QuarantineSource {
  description: string;
  list(filter?: { reason?: string }): Promise<QuarantineSummary[]>;
  get(key: string): Promise<QuarantineEntry | undefined>;
  remove(key: string): Promise<void>;
}

/**
 * The quarantine in a bucket: `ListObjectsV2` under `quarantine/[<reason>/]`, `GetObject` (body
 * and `x-amz-meta-*`) and `DeleteObject`, with the operator's credentials (the receiver's role
 * may only put).
 *
 * @example
 * ```ts
 * const source = s3QuarantineSource(new S3Client({ region: 'eu-west-1' }), bucket);
 * ```
 */
export function s3QuarantineSource(s3: S3Client, bucket: string): QuarantineSource {
  return {
    description: `s3://${bucket}/${QUARANTINE_PREFIX}`,
    async list(filter = {}) {
      const prefix = `${QUARANTINE_PREFIX}${filter.reason ? `${filter.reason}/` : ''}`;
      const summaries: QuarantineSummary[] = [];
      let token: string | undefined;
      do {
        const page: ListObjectsV2CommandOutput = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const object of page.Contents ?? []) {
          if (!object.Key) continue;
          summaries.push({
            key: object.Key,
            reason: reasonOfKey(object.Key),
            bytes: object.Size ?? 0,
            receivedAt: object.LastModified?.getTime(),
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return summaries;
    },
    async get(key) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
        return { key, ...fromS3Metadata(key, object.Metadata ?? {}, object.LastModified), body };
      } catch (error) {
        if ((error as Error).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async remove(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

/**
 * The local pipeline's quarantine (its data folder), as a {@link QuarantineSource}.
 *
 * @example
 * ```ts
 * const source = localQuarantineSource(new LocalQuarantineStore('.local-data'));
 * ```
 */
export function localQuarantineSource(
  store: Pick<LocalQuarantineStore, 'list' | 'get' | 'remove' | 'dataDir'>,
): QuarantineSource {
  return {
    description: `local quarantine in ${store.dataDir ?? 'memory'}`,
    async list(filter = {}) {
      const entries = await store.list();
      return entries
        .filter((entry) => !filter.reason || entry.reason === filter.reason)
        .map(({ body, ...meta }) => ({
          key: meta.key,
          reason: meta.reason,
          bytes: body.length,
          receivedAt: meta.receivedAt,
          ...(meta.eventId ? { eventId: meta.eventId } : {}),
          ...(meta.deliveryId ? { deliveryId: meta.deliveryId } : {}),
        }));
    },
    get: (key) => store.get(key),
    remove: (key) => store.remove(key),
  };
}

/** What a requeue did with one quarantined delivery. */
export type RequeueOutcome =
  /** The receiver's classification now takes it: sent to the main queue (and removed unless kept). */
  | { key: string; outcome: 'requeued'; messageId: string; eventType: string; eventId?: string }
  /** Still not something the queue can take: left where it is, with today's reason. */
  | { key: string; outcome: 'still_quarantined'; reason: QuarantineReason }
  /** A VERIFY (nothing to process) or a key that is gone: left alone. */
  | { key: string; outcome: 'skipped'; why: string };

/** Options of {@link requeueQuarantined}. */
export interface RequeueOptions {
  /** The receiver's body limit to classify with (a larger one after a fix). @default PIPELINE_DEFAULTS.maxBodyBytes */
  maxBodyBytes?: number;
  /** Leave requeued deliveries in the quarantine too. @default false */
  keep?: boolean;
}

/**
 * Sends quarantined deliveries through the pipeline again after a fix: each body is classified
 * by the receiver's own `classifySignedBody` (this checkout's code, `maxBodyBytes`), without the
 * replay window (it was checked when the body arrived, and the body was signed then: only signed
 * bodies are ever stored). What it now takes is sent with exactly the attributes the receiver
 * sets (`receivedAt` as first received), then removed from the quarantine; the rest stays, with
 * the reason it would be quarantined for today.
 *
 * @example
 * ```ts
 * const outcomes = await requeueQuarantined(source, { sqs, queueUrl }, keys, { maxBodyBytes: 1_048_576 });
 * ```
 */
export async function requeueQuarantined(
  source: QuarantineSource,
  target: { sqs: SQSClient; queueUrl: string },
  keys: readonly string[],
  options: RequeueOptions = {},
): Promise<RequeueOutcome[]> {
  const outcomes: RequeueOutcome[] = [];
  for (const key of keys) {
    const entry = await source.get(key);
    if (!entry) {
      outcomes.push({ key, outcome: 'skipped', why: 'not in the quarantine' });
      continue;
    }
    const verdict = classifySignedBody(
      { bytes: entry.body, text: entry.body.toString('utf8') },
      {
        // The stored bytes are the raw body: check them as the receiver checks a base64 one.
        isBase64Encoded: true,
        route: entry.route,
        receivedAt: entry.receivedAt,
        toleranceMs: 0,
        maxBodyBytes: options.maxBodyBytes ?? PIPELINE_DEFAULTS.maxBodyBytes,
      },
    );
    if (verdict.kind === 'quarantine') {
      outcomes.push({ key, outcome: 'still_quarantined', reason: verdict.reason });
      continue;
    }
    if (verdict.kind !== 'deliver') {
      outcomes.push({ key, outcome: 'skipped', why: verdict.kind === 'verify' ? 'a VERIFY challenge' : verdict.kind });
      continue;
    }
    const messageId = await enqueue(target.sqs, target.queueUrl, entry.body.toString('utf8'), verdict.attributes);
    if (!options.keep) await source.remove(key);
    outcomes.push({
      key,
      outcome: 'requeued',
      messageId,
      eventType: verdict.eventType,
      ...(verdict.envelope.eventId ? { eventId: verdict.envelope.eventId } : {}),
    });
  }
  return outcomes;
}

/**
 * The metadata lines `quarantine show` prints before the body.
 *
 * @example
 * ```ts
 * describeEntry(entry); // 'key: quarantine/...\nreason: not_utf8\n...'
 * ```
 */
export function describeEntry(entry: QuarantineMetadata & { key: string; body: Buffer }): string {
  const lines: Array<[string, string | undefined]> = [
    ['key', entry.key],
    ['reason', entry.reason],
    ['receivedAt', entry.receivedAt ? new Date(entry.receivedAt).toISOString() : undefined],
    ['route', entry.route],
    ['deliveryId', entry.deliveryId],
    ['eventId', entry.eventId],
    ['eventType', entry.eventType],
    ['bytes', String(entry.body.length)],
  ];
  return lines
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}
