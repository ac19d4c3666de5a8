import type { IdempotencyStatus } from '../../lambda/core/idempotency-status.ts';

/** Live counts of the local pipeline (`GET /_local/stats`). */
export interface LocalStats {
  /** Requests that reached the receiver on a webhook route. */
  received: number;
  /** Events persisted to the queue. */
  enqueued: number;
  /** 4xx answers (bad signature, an unsigned body too large, a stale delivery...). */
  rejected: number;
  /** Signed deliveries stored in the quarantine and answered 200 (docs/quarantine.md). */
  quarantined: number;
  /** 5xx answers (queue or AMT unavailable): Smartcar retries these. */
  receiverErrors: number;
  /** VERIFY challenges answered. */
  verified: number;
  /** Events whose handler ran and succeeded, by event type. */
  processed: Record<string, number>;
  /** Sum of `processed`. */
  processedTotal: number;
  /** Deliveries skipped because their `eventId` was already processed. */
  duplicates: number;
  /** Signals skipped because a newer value was already stored. */
  stale: number;
  /** Records acknowledged without a handler (unknown type, legacy payload). */
  ignored: number;
  /** Failed processing attempts (one poison event counts once per receive). */
  failed: number;
  /** Failures on the last allowed receive: those events are on their way to the DLQ. */
  finalFailures: number;
  /** Messages in the main queue (visible and in flight). */
  queued: number;
  /** Messages in the DLQ. */
  dlq: number;
  /** Deliveries written to the local archive. */
  archived: number;
  /** Replayed deliveries (`npm run replay`) whose handler ran. */
  replayed: number;
}

/** Where the running pipeline's parts listen (`GET /_local/endpoints`; the DLQ CLI reads it). */
export interface LocalEndpoints {
  url: string;
  webhookUrl: string;
  errorCallbackUrl: string;
  sqsEndpoint: string;
  dynamoEndpoint: string;
  region: string;
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
  /** Folder of the local archive (`npm run replay -- --local` reads it); absent when the pipeline does not archive. */
  archiveDir?: string;
  /**
   * The data folder whose `quarantine/` holds the deliveries the receiver quarantined
   * (`npm run quarantine -- --local` reads it); absent for a pipeline kept in memory.
   */
  quarantineDataDir?: string;
}

/** What the local pipeline knows of one event (`GET /_local/deliveries/{eventId}`; the smoke CLI reads it). */
export interface LocalDeliveryStatus {
  eventId: string;
  /**
   * The processor's idempotency record: COMPLETED once a handler ran to the end. `NONE`: the
   * pipeline saw the event (it is in the deliveries log) but holds no record for it (every
   * attempt so far failed and released the key, or it is still queued).
   */
  status: IdempotencyStatus | 'NONE';
  /** Each processing attempt the pipeline saw, oldest first, with the error it ended in (if any). */
  attempts?: { at: string; error?: LocalErrorSummary }[];
  /** The error of the latest failed attempt; absent when no attempt failed. `npm run dlq -- list` shows it. */
  lastError?: LocalErrorSummary;
}

/** An error as the local pipeline reports it: its `name` and `message` (no stack, never the AMT). */
export interface LocalErrorSummary {
  name: string;
  message: string;
}

/** Where one event stands in the local pipeline, as the deliveries log has seen it. */
export type LocalProcessingState =
  /** Not enqueued: the receiver refused it or answered it itself (VERIFY). */
  | 'not-queued'
  /** Signed but not processable as it was: stored in the quarantine (docs/quarantine.md). */
  | 'quarantined'
  /** Enqueued; no attempt finished yet. */
  | 'queued'
  | 'processed'
  | 'duplicate'
  /** Acknowledged without a handler (unknown type, legacy payload). */
  | 'ignored'
  /** The latest attempt failed; SQS retries it. */
  | 'retrying'
  /** The last allowed attempt failed: the message is in the DLQ. */
  | 'dlq';

/** One thing that happened to an event after it was enqueued, oldest first. */
export interface LocalProcessingStep {
  at: string;
  /**
   * `replayed`: a replay run (`npm run replay`) sent the event again; the steps after it, up to
   * the next `replayed`, are that run's attempts (each carrying its `replayId` too).
   */
  kind: 'processed' | 'duplicate' | 'ignored' | 'failed' | 'dlq' | 'redriven' | 'replayed';
  /** The replay run of a `replayed` step and of each attempt of a replayed copy. */
  replayId?: string;
  /** SQS receive count of the attempt (1 on the first). */
  attempt?: number;
  /** Time the record took in the processor, ms. */
  ms?: number;
  /** Signals the freshness store skipped as older than the stored value. */
  staleSignals?: number;
  error?: LocalErrorSummary;
}

/** One request the local pipeline answered on a webhook route (`GET /_local/deliveries`, newest first). */
export interface LocalDelivery {
  /** Request id (API Gateway's `requestId`). */
  id: string;
  /** When it arrived (ISO). */
  at: string;
  /** Request path, e.g. `/webhooks/smartcar`. */
  path: string;
  statusCode: number;
  /** The receiver's outcome code, e.g. `enqueued`, `signature_invalid`. */
  code?: string;
  eventType?: string;
  eventId?: string;
  vehicleId?: string;
  /** Time to the answer, ms. */
  latencyMs: number;
  processing: LocalProcessingState;
  /** The replay runs that sent this event again, oldest first; absent when none did. */
  replayIds?: string[];
  /**
   * Set on an event `npm run replay -- --stack NAME --into-local` copied from a deployed stack's
   * archive (it never passed the local receiver): where from, and the production receipt.
   */
  fromArchive?: ArchiveOrigin;
}

/** Where a copied delivery came from: the stack and window of the run, and the original receipt. */
export interface ArchiveOrigin {
  /** `stack NAME FROM/TO`, as the replay run gave it. */
  source: string;
  /** When the stack's receiver accepted the delivery (ISO), from the archive. */
  receivedAt: string;
  /** Smartcar's deliveryId of the original delivery, when it had one. */
  deliveryId?: string;
  replayId: string;
}

/** A delivery with its request and answer (`GET /_local/deliveries/{eventId}` lists them). */
export interface LocalDeliveryDetail extends LocalDelivery {
  /** Headers as received; `sc-signature` shortened. */
  requestHeaders: Record<string, string>;
  /** The body as received (text; cut at 64 KiB, then `bodyTruncated`). */
  requestBody: string;
  bodyTruncated?: boolean;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

/** `GET /_local/deliveries/{eventId}`: {@link LocalDeliveryStatus} plus what the console shows. */
export interface LocalEventDetail extends LocalDeliveryStatus {
  processing: LocalProcessingState;
  steps: LocalProcessingStep[];
  /** Every request that carried this eventId (Smartcar retries share it), newest first. */
  deliveries: LocalDeliveryDetail[];
}

/** The processor code `npm start` runs, and its last reload (`GET /_local/processor`). */
export interface LocalProcessorState {
  /** False when the processor runs in the pipeline's thread (tests with injected handlers). */
  hotReload: boolean;
  /** Grows by one per successful reload (1 at start). */
  generation: number;
  /** When the running code was loaded (ISO). */
  loadedAt: string;
  /** The file whose change caused the last reload attempt. */
  changedFile?: string;
  /** The last reload attempt failed; the previous code keeps running. */
  lastReloadError?: LocalErrorSummary & { at: string; file?: string };
}
