/**
 * Limits of Firehose `PutRecordBatch` (Amazon Data Firehose API reference, PutRecordBatch):
 * at most 500 records and 4 MiB per request, 1,000 KiB per record before base64; none can be
 * raised. The record limit itself is `FIREHOSE_MAX_RECORD_BYTES` in `lambda/core/archive-record.ts`.
 */
export const PUT_RECORD_BATCH_LIMITS = { maxRecords: 500, maxBytes: 4 * 1024 * 1024 } as const;

/**
 * Rounds of `PutRecordBatch` per request: the first, then retries of only the packed records Firehose
 * reported failed (`ErrorCode` on the entry, typically `ServiceUnavailableException` when the
 * stream's throughput is exceeded). Bounded so a throttled stream fails records back to SQS
 * rather than holding the batch; SQS retries them after the visibility timeout.
 */
export const ARCHIVE_MAX_ROUNDS = 3;

/** Pause before retry round `n` (1-based), ms: 100, 200 ... with full jitter. */
export const ARCHIVE_RETRY_BASE_MS = 100;

/**
 * SDK client settings of the processor's Firehose client. A healthy `PutRecordBatch` takes tens
 * of ms; an attempt gives up after 1.1 s and the SDK tries once more. {@link ARCHIVE_DEADLINE_MS}
 * bounds the whole archive step regardless.
 */
export const FIREHOSE_CLIENT_SETTINGS = { maxAttempts: 2, connectionTimeoutMs: 300, requestTimeoutMs: 800 } as const;

/**
 * The archive step's time for one batch, every round and request included: what is not stored
 * by then fails back to SQS. The processor's DynamoDB calls take up to 24.6 s of the 30 s timeout
 * in the worst case (`DYNAMODB_CALLS_PER_RECORD`); this is what fits beside them
 * (`test/infra/time-budget.test.ts`). A Firehose brownout therefore delays records, never loses them.
 */
export const ARCHIVE_DEADLINE_MS = 2_000;
