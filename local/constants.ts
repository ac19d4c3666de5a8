/**
 * Defaults of the local pipeline (`npm start`) and of the CLIs that talk to it.
 *
 * Everything the deployed stack also decides (receive counts, batch size, routes, timeouts)
 * comes from `lambda/core/constants.ts`; this file only holds what exists locally.
 */

/** Settings of the local runtime; where it listens is in `local/api/constants.ts`. */
export const LOCAL_DEFAULTS = {
  /**
   * Visibility timeout of the local main queue. The stack uses 6x the processor timeout
   * (minutes); locally a failing event should reach the DLQ in seconds.
   */
  visibilityTimeoutSeconds: 5,
  /** Long-poll wait of the local poller (Lambda's event source uses 20 s; stop aborts the poll). */
  waitTimeSeconds: 10,
  /** Poll loops running at once (Lambda starts with several pollers; one is enough locally). */
  pollerConcurrency: 1,
  /** Folder for local state (gitignored): what `npm start` keeps across restarts unless `--in-memory`. */
  dataDir: '.local-data',
  /** The data folder's lock file: which pipeline holds the folder (one at a time, `local/data-dir-lock.ts`). */
  dataDirLockFile: 'pipeline.lock',
  /** Where in the data folder the queues' messages are saved at stop and restored at start. */
  queueSnapshotFile: 'sqs/queues.json',
  /** Where in the data folder the console's deliveries log is kept across restarts. */
  deliveriesLogFile: 'console/deliveries.json',
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
} as const;
