/**
 * The one source of truth for names and numbers that the Lambda handlers, the CDK stack
 * (`lib/`), the local pipeline (`local/`) and the CLIs (`bin/`) must agree on.
 *
 * Change a number here and the stack, the local emulators and the handlers all follow.
 * Nothing in this file may import a runtime dependency: it is bundled into both Lambdas.
 */

/** Environment variables the stack sets on the functions (and the local pipeline sets in-process). */
export const ENV = {
  /** Receiver: URL of the main queue. */
  QUEUE_URL: 'QUEUE_URL',
  /** Receiver: ARN or name of the Secrets Manager secret holding the AMT. */
  AMT_SECRET_ID: 'AMT_SECRET_ID',
  /** Receiver: how long a fetched AMT is trusted, in seconds. */
  AMT_CACHE_SECONDS: 'AMT_CACHE_SECONDS',
  /** Receiver: largest accepted body in bytes. */
  MAX_BODY_BYTES: 'MAX_BODY_BYTES',
  /** Receiver: the path of the "Vehicle error callback URI" route. */
  ERROR_CALLBACK_PATH: 'ERROR_CALLBACK_PATH',
  /** Receiver: how far `meta.deliveredAt` may be from the receiver's clock, in seconds (0 = no check). */
  DELIVERY_TOLERANCE_SECONDS: 'DELIVERY_TOLERANCE_SECONDS',
  /** Receiver: the bucket signed deliveries that cannot be processed are quarantined in (`docs/quarantine.md`). */
  QUARANTINE_BUCKET_NAME: 'QUARANTINE_BUCKET_NAME',
  /** Processor: Powertools idempotency table. */
  IDEMPOTENCY_TABLE_NAME: 'IDEMPOTENCY_TABLE_NAME',
  /** Processor: how long a processed eventId is remembered, in seconds. */
  IDEMPOTENCY_TTL_SECONDS: 'IDEMPOTENCY_TTL_SECONDS',
  /** Processor: per-vehicle latest-state table used by the example handlers. */
  VEHICLE_STATE_TABLE_NAME: 'VEHICLE_STATE_TABLE_NAME',
  /** Processor: how long a vehicle's stored state lives after its last update, in seconds (0 = forever). */
  VEHICLE_STATE_TTL_SECONDS: 'VEHICLE_STATE_TTL_SECONDS',
  /** Processor: the queue's maxReceiveCount, so the last attempt can be counted before a DLQ move. */
  MAX_RECEIVE_COUNT: 'MAX_RECEIVE_COUNT',
  /** Processor: how far past its receipt an ordering time is believed, in seconds (later ones are clamped). */
  FUTURE_TOLERANCE_SECONDS: 'FUTURE_TOLERANCE_SECONDS',
  /** Processor: the Firehose stream every delivery is archived to before it is handled (unset: no archive). */
  ARCHIVE_STREAM_NAME: 'ARCHIVE_STREAM_NAME',
  /** Powertools: metric namespace, service name and log level. */
  METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
  LOG_LEVEL: 'POWERTOOLS_LOG_LEVEL',
} as const;

/** Routes of the HTTP API; the stack and the local server both use these defaults. */
export const ROUTES = {
  /** "Vehicle data callback URI": VERIFY, VEHICLE_STATE and (without an error URI) VEHICLE_ERROR. */
  DATA_PATH: '/webhooks/smartcar',
  /** Optional "Vehicle error callback URI". */
  ERROR_PATH: '/webhooks/smartcar/errors',
} as const;

/** Service names (the `service` metric dimension and log field). */
export const SERVICE = {
  RECEIVER: 'smartcar-receiver',
  PROCESSOR: 'smartcar-processor',
} as const;

/** Default CloudWatch namespace; the stack appends the stage so environments never mix. */
export const DEFAULT_METRICS_NAMESPACE = 'SmartcarWebhooks';

/** Name of the extra metric dimension for per-event-type metrics. */
export const EVENT_TYPE_DIMENSION = 'eventType';

/** Name of the dimension of `SignalShapeMismatch`: the signal code, e.g. `tractionbattery-range`. */
export const SIGNAL_CODE_DIMENSION = 'signal';

/** Name of the extra metric dimension of `SignedDeliveryRefused`: the outcome code of the refusal. */
export const REFUSAL_REASON_DIMENSION = 'reason';

/**
 * Custom metric names (EMF). Metrics marked "by type" are published with the dimension set
 * `[service, eventType]` only (the dashboard sums them per type); every other metric is
 * published with `[service]` only, which is what the alarms watch. Powertools 2.x writes one
 * dimension set per EMF line, so this split keeps a request to a single metrics line.
 */
export const METRIC = {
  // receiver
  /** A signed, well-formed data event was persisted to SQS (by type). */
  EVENT_RECEIVED: 'EventReceived',
  SIGNATURE_INVALID: 'SignatureInvalid',
  VERIFY_ANSWERED: 'VerifyAnswered',
  VERIFY_REFUSED: 'VerifyRefused',
  ENQUEUE_FAILED: 'EnqueueFailed',
  PAYLOAD_TOO_LARGE: 'PayloadTooLarge',
  BAD_REQUEST: 'BadRequest',
  SECRET_UNAVAILABLE: 'SecretUnavailable',
  /**
   * A signed delivery accepted without an age check: no `meta.deliveredAt` (legacy shapes) or one
   * that is not a time (by type: it shares the `EventReceived` line).
   */
  DELIVERY_AGE_UNCHECKED: 'DeliveryAgeUnchecked',
  /**
   * A validly signed delivery answered 4xx: Smartcar sent it, it is refused on every retry, so the
   * event is lost. Published on `[service]` (the alarm's total) and `[service, reason]` (the outcome
   * code, for the dashboard) from one EMF line, in place of the outcome's own metric (`BadRequest`,
   * `PayloadTooLarge`, ...), which therefore counts only refusals made before a valid signature.
   */
  SIGNED_DELIVERY_REFUSED: 'SignedDeliveryRefused',
  /**
   * A validly signed delivery that cannot be processed normally was stored in the quarantine and
   * answered 200 (`docs/quarantine.md`). Published on `[service]` (the alarm's total) and
   * `[service, reason]` (the quarantine reason, for the dashboard) from one EMF line.
   */
  QUARANTINED: 'Quarantined',
  /** A delivery bound for the quarantine could not be stored there: answered 503, Smartcar retries. */
  QUARANTINE_FAILED: 'QuarantineFailed',
  // processor
  /** Business handler ran and succeeded (by type; one aggregated line per batch and type). */
  EVENT_PROCESSED: 'EventProcessed',
  DUPLICATE_EVENT: 'DuplicateEvent',
  STALE_SIGNAL: 'StaleSignal',
  /**
   * A signal value or error report whose order time was later than its delivery's receipt plus
   * `futureToleranceSeconds`, so it was ordered at that limit (a wrong OEM clock, or a forgery).
   */
  FUTURE_SIGNAL: 'FutureSignal',
  /**
   * A signal body that does not have its documented shape (passed through untyped, never
   * dropped). Published on `[service]` (the total) and on `[service, signal]` (the signal code),
   * one line per batch and code.
   */
  SIGNAL_SHAPE_MISMATCH: 'SignalShapeMismatch',
  HANDLER_FAILED: 'HandlerFailed',
  /** A record failed on its last allowed receive: it is about to move to the DLQ. */
  FINAL_ATTEMPT_FAILED: 'FinalAttemptFailed',
  /** Processing time minus `meta.deliveredAt`, in milliseconds. */
  DELIVERY_LAG: 'DeliveryLag',
  UNKNOWN_EVENT_TYPE: 'UnknownEventType',
  LEGACY_PAYLOAD: 'LegacyPayload',
  MALFORMED_RECORD: 'MalformedRecord',
  /** Records written to the archive (Firehose or the local folder) before their handlers ran. */
  EVENT_ARCHIVED: 'EventArchived',
  /** Records whose archive write failed: reported as batch item failures, handled only once archived. */
  ARCHIVE_FAILED: 'ArchiveFailed',
  /** Records sent by `npm run replay` whose handler ran (once per replay run). */
  EVENT_REPLAYED: 'EventReplayed',
} as const;

/** SQS message attribute names the receiver sets on every enqueued event. */
export const MESSAGE_ATTRIBUTE = {
  EVENT_ID: 'eventId',
  EVENT_TYPE: 'eventType',
  DELIVERY_ID: 'deliveryId',
  /** `data` or `error`: which callback route the delivery came in on. */
  ROUTE: 'route',
  /** Epoch milliseconds when the receiver accepted the delivery (Number attribute). */
  RECEIVED_AT: 'receivedAt',
  /**
   * Set by `npm run replay` only (never by the receiver): the id of the replay run that sent this
   * copy of an archived delivery. The processor runs its handler once per replay run and does not
   * archive it again.
   */
  REPLAY_ID: 'replayId',
} as const;

/** Values of the `route` message attribute. */
export const ROUTE_KIND = { DATA: 'data', ERROR: 'error' } as const;
export type RouteKind = (typeof ROUTE_KIND)[keyof typeof ROUTE_KIND];

/**
 * Value the stack writes into an AMT secret it creates, until the user puts the real token in.
 * The receiver treats it (like an empty secret) as "not configured": 503 and a clear log line,
 * never a wave of 401s that looks like forged deliveries.
 */
export const AMT_SECRET_PLACEHOLDER = 'REPLACE_WITH_SMARTCAR_APPLICATION_MANAGEMENT_TOKEN';

/**
 * How Smartcar delivers (its delivery-behavior page): an attempt fails when no 2xx comes within
 * 15 s; a failed attempt is retried 3 times, 25 s, 50 s and 100 s after the previous one, then
 * the event is dropped. Every attempt keeps the `eventId` and gets a new `deliveryId` and a new
 * `meta.deliveredAt`.
 */
export const SMARTCAR_DELIVERY = {
  attemptTimeoutSeconds: 15,
  retryDelaysSeconds: [25, 50, 100],
  /**
   * From the start of the first attempt to the end of the last: 25 + 50 + 100 s of waits plus
   * four 15 s attempts = 235 s. No two attempts of one event are further apart than this.
   */
  retrySpanSeconds: 25 + 50 + 100 + 4 * 15,
} as const;

/** SQS hard limit for one message, and the default receiver body limit. */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/**
 * Largest request Lambda accepts for a synchronous invocation (6 MB): no front door can hand the
 * receiver a bigger event, so it is the most a signed body can be, and the ceiling the WAF's size
 * rule lets through so that a signed body over `MAX_BODY_BYTES` reaches the quarantine.
 */
export const LAMBDA_SYNC_PAYLOAD_BYTES = 6_291_456;

/**
 * Longest `eventId` the pipeline takes, in UTF-8 bytes; Smartcar's ids are 36-character UUIDs. The
 * idempotency key is a hash of it (Powertools), so no length breaks that write, but the id is
 * copied into every signal the vehicle-state item stores (a DynamoDB item holds at most 400 KB),
 * into each message's attributes and into every log line of its event: an unbounded one would make
 * a poison message or a log bill. A signed delivery with a longer one is quarantined
 * (`event_id_too_long`), kept byte for byte rather than refused.
 */
export const EVENT_ID_MAX_BYTES = 1_024;

const DAY_SECONDS = 24 * 60 * 60;
/** Main queue retention: long enough to survive a weekend outage of the processor. */
const QUEUE_RETENTION_DAYS = 4;
/** DLQ retention: the SQS maximum, so an operator has two weeks to redrive. */
const DLQ_RETENTION_DAYS = 14;
/** Smartcar asks for processed ids to be kept at least 7 days. */
const SMARTCAR_MIN_IDEMPOTENCY_DAYS = 7;
/**
 * Slack on top of the retentions: Smartcar's retries of one event span about 3 minutes, so a copy
 * can be enqueued minutes after another copy's idempotency record was written.
 */
const IDEMPOTENCY_MARGIN_DAYS = 1;

/**
 * How long a processed eventId is remembered, derived from the queue retentions so that no copy
 * of an event still in SQS can outlive its record and run a handler twice.
 *
 * For standard queues the expiry of a message is always based on its original enqueue timestamp:
 * moving to the DLQ does not reset it (AWS SQS Developer Guide, "Setting-up dead-letter queue
 * retention"), so a copy lives at most max(queue, DLQ) retention before a redrive. A redrive
 * makes a new message with a new enqueue time: SQS's message move task "resets the retention
 * period" (Developer Guide, "Configure a dead-letter queue redrive"), and a filtered
 * `npm run dlq -- redrive` sends copies anew. That copy may wait up to the queue retention again.
 * Queue + DLQ retention therefore covers a redrive on the DLQ's last day, with the margin above
 * for Smartcar's retry spread.
 */
const IDEMPOTENCY_TTL_DAYS = Math.max(
  SMARTCAR_MIN_IDEMPOTENCY_DAYS,
  QUEUE_RETENTION_DAYS + DLQ_RETENTION_DAYS + IDEMPOTENCY_MARGIN_DAYS,
);

/**
 * Pipeline defaults shared by the stack and the local pipeline. The stack exposes each as a
 * context key / prop; the local pipeline uses them as they are (except a shorter visibility
 * timeout, so a poison event reaches the DLQ in seconds).
 */
export const PIPELINE_DEFAULTS = {
  /** Receives before SQS moves a message to the DLQ. */
  maxReceiveCount: 3,
  /** Processor Lambda timeout. */
  processorTimeoutSeconds: 30,
  /** AWS guidance: queue visibility timeout at least 6x the function timeout. */
  visibilityTimeoutMultiplier: 6,
  /** Main queue retention (4 days). */
  queueRetentionDays: QUEUE_RETENTION_DAYS,
  /** DLQ retention (14 days, the SQS maximum). */
  dlqRetentionDays: DLQ_RETENTION_DAYS,
  maxMessageSizeBytes: SQS_MAX_MESSAGE_BYTES,
  /** SQS event source batch size. */
  batchSize: 10,
  /**
   * Processed eventIds are remembered for queue + DLQ retention + 1 day (19 days), never less than
   * Smartcar's 7 (derivation above).
   */
  idempotencyTtlSeconds: IDEMPOTENCY_TTL_DAYS * DAY_SECONDS,
  /** Stored vehicle state expires 90 days after its last update. */
  vehicleStateTtlSeconds: 90 * 24 * 60 * 60,
  /** AMT cache: minutes, not seconds, since each GetSecretValue costs money. */
  amtCacheSeconds: 300,
  /** On a signature mismatch the AMT is refetched at most this often (rotation without redeploy). */
  amtRefetchMinIntervalSeconds: 60,
  /** Receiver body limit: the SQS maximum. */
  maxBodyBytes: SQS_MAX_MESSAGE_BYTES,
  /**
   * Replay window: a signed delivery whose `meta.deliveredAt` is further than this from the
   * receiver's clock, in either direction, is refused (`stale_delivery`). Smartcar stamps every
   * attempt afresh, so a real attempt is seconds old; even if it stamped only the first attempt,
   * the last retry would be 235 s old (`SMARTCAR_DELIVERY.retrySpanSeconds`). 15 minutes leaves
   * more than 10 minutes for clock skew on top of that worst case (the skew AWS itself tolerates
   * on signed requests), and stays far below the 7-day idempotency TTL, so a replay inside the
   * window is always caught as a duplicate `eventId`.
   */
  deliveryToleranceSeconds: 15 * 60,
  /**
   * Future tolerance of ordering times: a signal's `oemUpdatedAt` (or an error report's
   * `deliveredAt`) later than its delivery's receipt plus this is ordered at the receipt plus
   * this (`FutureSignal`). A vehicle records a value before Smartcar delivers it, so only a
   * wrong clock gets there. 15 minutes is the replay window's clock-skew budget again (the
   * skew AWS tolerates on signed requests): an OEM clock that much fast still orders exactly, and
   * a value stamped years ahead holds its signal for at most 15 minutes instead of for good.
   */
  futureToleranceSeconds: 15 * 60,
} as const;

/**
 * DynamoDB key schemas, shared by the stack, the local emulator setup and the processor.
 * The idempotency table uses Powertools' default attribute names.
 */
export const TABLE_SCHEMA = {
  IDEMPOTENCY: { partitionKey: 'id', ttlAttribute: 'expiration' },
  VEHICLE_STATE: { partitionKey: 'vehicleId', sortKey: 'kind', ttlAttribute: 'expiresAt' },
} as const;

/** Values of the vehicle-state table's sort key. */
export const VEHICLE_RECORD_KIND = { SIGNALS: 'SIGNALS', ERRORS: 'ERRORS' } as const;
