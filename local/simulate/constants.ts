/**
 * Smartcar's delivery behaviour, as its docs state it (delivery-behavior page,
 * https://smartcar.com/docs/api-reference/webhooks/delivery-behavior, and the webhook receiver
 * and verify pages). The simulated Smartcar follows these and nothing else.
 */
export const SMARTCAR = {
  /** "Smartcar wants any 2xx within 15 s"; a later 200 still counts as a failure. */
  attemptTimeoutMs: 15_000,
  /**
   * "Up to 3 retries (4 attempts), exponential backoff starting at 25 s. The waits are 25 s,
   * 50 s and 100 s, so the last attempt is about 2 min 55 s after the first. After that the event
   * is dropped permanently." Offsets of each attempt from the first.
   */
  attemptOffsetsMs: [0, 25_000, 75_000, 175_000],
  /** "Any 2xx (200, 201, 202, 204, …)" is success; non-2xx (3xx and 4xx included), timeouts and connection errors are failures. */
  isSuccess: (status: number): boolean => status >= 200 && status < 300,
} as const;

/** The switchable faults, in the order they are scheduled across the traffic window. */
export const FAULT_NAMES = [
  'sqs-refuse-short',
  'dynamodb-throttle',
  'worker-kill',
  'sqs-hang-short',
  'archive-down',
  'clock-skew',
  'invocation-timeout',
  'dynamodb-slow',
  'handler-bug',
  'sqs-refuse-long',
  'restart',
  'sqs-hang-long',
] as const;

/** What each fault does, for `--help` and the report. */
export const FAULT_DESCRIPTIONS: Readonly<Record<(typeof FAULT_NAMES)[number], string>> = {
  'sqs-refuse-short': "SQS resets every connection for 60 s of Smartcar time, well within Smartcar's retries",
  'sqs-refuse-long':
    "SQS resets every connection for longer than Smartcar's whole retry schedule (250 s of its time, or more as its attempts really run)",
  'sqs-hang-short': 'SQS accepts connections and never answers, for 60 s of Smartcar time',
  'sqs-hang-long': "SQS accepts connections and never answers, for longer than Smartcar's whole retry schedule",
  'dynamodb-throttle': 'half of the DynamoDB requests get ProvisionedThroughputExceeded for 3 s',
  'dynamodb-slow': 'every DynamoDB answer comes 300 ms late for 3 s',
  'archive-down': 'the archive folder cannot be written for 2 s',
  'worker-kill': 'the processor worker exits in the middle of a batch (process.exit in a handler)',
  'invocation-timeout': 'a handler hangs past the invocation timeout, then its worker is ended, as Lambda does',
  'clock-skew': "the receiver's clock runs 4 minutes ahead for 3 s",
  restart: '`npm start` is stopped and started again on its data folder (same port) while traffic flows',
  'handler-bug':
    'a handler bug makes every event of some vehicles fail until the fixed handler is hot-reloaded; the DLQ is then redriven',
} as const;

/** The accounting table's rows. */
export const ROW = {
  HANDLED: 'handled',
  DLQ: 'in the DLQ',
  QUARANTINED: 'quarantined',
  REFUSED: 'refused (forged/replayed/stale)',
  DROPPED: 'dropped by Smartcar',
  UNACCOUNTED: 'unaccounted',
} as const;

/** Defaults of `npm run simulate`. */
export const SIMULATE_DEFAULTS = {
  seed: 1,
  events: 1_000,
  timeScale: 100,
  rate: 60,
  /** Each fault's span in Smartcar time: short ones end within Smartcar's retries, long ones outlast them. */
  shortOutageSimMs: 60_000,
  longOutageSimMs: 250_000,
  /** Real-time spans of the faults that are not about Smartcar's schedule. */
  dynamoFaultMs: 3_000,
  archiveFaultMs: 2_000,
  clockSkewMs: 4 * 60_000,
  clockSkewSpanMs: 3_000,
  dynamoSlowMs: 300,
  /** How long the buggy handler is deployed before the fix is hot-reloaded. */
  handlerBugMs: 3_000,
  throttleShare: 0.5,
  /** Main queue visibility timeout (and so the invocation timeout) of the simulated pipeline. */
  visibilityTimeoutSeconds: 3,
  /** How long the end of the run waits for the queues to settle. */
  settleTimeoutMs: 120_000,
  /** One in this many vehicles hits the handler bug. */
  bugVehicleEvery: 5,
} as const;
