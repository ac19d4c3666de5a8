import type { IdempotencyStatus } from '../../lambda/core/idempotency-status.ts';

/** Live counts of the local pipeline (`GET /_local/stats`). */
export interface LocalStats {
  /** Requests that reached the receiver on a webhook route. */
  received: number;
  /** Events persisted to the queue. */
  enqueued: number;
  /** 4xx answers (bad signature, bad JSON, too large...). */
  rejected: number;
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
}

/** What the local pipeline knows of one event (`GET /_local/deliveries/{eventId}`; the smoke CLI reads it). */
export interface LocalDeliveryStatus {
  eventId: string;
  /** The processor's idempotency record: COMPLETED once a handler ran to the end. */
  status: IdempotencyStatus;
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
