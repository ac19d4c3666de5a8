/**
 * Defaults of the local pipeline (`npm start`) and of the CLIs that talk to it.
 *
 * Everything the deployed stack also decides (receive counts, batch size, routes, timeouts)
 * comes from `lambda/core/constants.ts`; this file only holds what exists locally.
 */

/** Where the local HTTP server listens unless `PORT` / `--port` say otherwise. */
export const LOCAL_DEFAULTS = {
  host: '127.0.0.1',
  port: 3000,
  /**
   * Visibility timeout of the local main queue. The stack uses 6x the processor timeout
   * (minutes); locally a failing event should reach the DLQ in seconds.
   */
  visibilityTimeoutSeconds: 5,
  /** Long-poll wait of the local poller (Lambda's event source uses 20 s; stop aborts the poll). */
  waitTimeSeconds: 10,
  /** Poll loops running at once (Lambda starts with several pollers; one is enough locally). */
  pollerConcurrency: 1,
  /** Folder for local state (gitignored). */
  dataDir: '.local-data',
  /** `.env`-style file the pipeline and the send CLI read `SMARTCAR_AMT` from. */
  envFile: '.env',
  /** Queue names, mirroring the stack's. */
  queueName: 'smartcar-webhooks-local',
  deadLetterQueueName: 'smartcar-webhooks-local-dlq',
  /** Table names of the local DynamoDB emulator. */
  idempotencyTableName: 'smartcar-idempotency-local',
  vehicleStateTableName: 'smartcar-vehicle-state-local',
  /** How often the live summary and the DLQ depth are refreshed. */
  statsIntervalMs: 1_000,
  /** First and largest pause of the poller after a failed ReceiveMessage. */
  pollerBackoffMs: { initial: 200, max: 5_000 },
  /** Largest request body the local server accepts, like API Gateway's 10 MB payload limit. */
  maxRequestBytes: 10 * 1024 * 1024,
  /** Region and account the emulators pretend to be in. */
  region: 'us-east-1',
} as const;

/** Name of the environment variable holding the Application Management Token. */
export const AMT_ENV = 'SMARTCAR_AMT';

/** Paths the local HTTP server serves besides the webhook routes. */
export const LOCAL_PATHS = {
  STATS: '/_local/stats',
  ENDPOINTS: '/_local/endpoints',
  /** `GET /_local/deliveries/{eventId}`: `{ eventId, status }` from the idempotency table, 404 when unknown. */
  DELIVERIES: '/_local/deliveries',
} as const;

/** Prefix of generated development tokens, so one is recognisable when it leaks into a log. */
export const DEV_AMT_PREFIX = 'local-dev-amt-';

/** Credentials the emulators accept (they check none); never real ones. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
