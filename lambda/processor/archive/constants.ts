/**
 * Limits of Firehose `PutRecordBatch` (Amazon Data Firehose API reference, PutRecordBatch):
 * at most 500 records and 4 MiB per request, 1,000 KiB per record before base64; none can be
 * raised. The record limit itself is `FIREHOSE_MAX_RECORD_BYTES` in `lambda/core/archive-record.ts`.
 */
export const PUT_RECORD_BATCH_LIMITS = { maxRecords: 500, maxBytes: 4 * 1024 * 1024 } as const;

/**
 * Rounds of `PutRecordBatch` per request: the first, then retries of only the entries Firehose
 * reported failed (`ErrorCode` on the entry, typically `ServiceUnavailableException` when the
 * stream's throughput is exceeded). Bounded so a throttled stream fails records back to SQS
 * rather than holding the batch; SQS retries them after the visibility timeout.
 */
export const ARCHIVE_MAX_ROUNDS = 3;

/** Pause before retry round `n` (1-based), ms: 100, 200 ... with full jitter. */
export const ARCHIVE_RETRY_BASE_MS = 100;

/**
 * SDK client settings of the processor's Firehose client. A healthy `PutRecordBatch` takes tens
 * of ms; one call gives up after `worstCaseCallMs` = 2 x 2.5 s + backoff (about 6.1 s), which with
 * {@link ARCHIVE_MAX_ROUNDS} rounds stays inside the budget `test/infra/time-budget.test.ts` checks.
 */
export const FIREHOSE_CLIENT_SETTINGS = { maxAttempts: 2, connectionTimeoutMs: 500, requestTimeoutMs: 2_000 } as const;
