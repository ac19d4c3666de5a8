/**
 * The local pipeline's public contract: where it listens, the paths it serves besides the
 * webhook routes, and where its AMT comes from. The commands (`bin/`) import only this folder
 * of `local/`, so they work the same against a pipeline they did not start.
 */

/** The environment variable `npm start` takes its port from; the commands aim at the same port. */
export const PORT_ENV = 'PORT';

/** Where `npm start` listens unless `PORT` / `--port` say otherwise, and where the commands aim by default. */
export const LOCAL_ADDRESS = {
  host: '127.0.0.1',
  port: 3000,
} as const;

/** Region and account the local emulators pretend to be in. */
export const LOCAL_REGION = 'us-east-1';

/** Credentials the emulators accept (they check none); never real ones. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Name of the environment variable holding the Application Management Token. */
export const AMT_ENV = 'SMARTCAR_AMT';

/** `.env`-style file the pipeline and the commands read `SMARTCAR_AMT` from. */
export const LOCAL_ENV_FILE = '.env';

/**
 * Where the first `npm start` without an AMT keeps the development token it generates (relative
 * to the project folder, gitignored, mode 0600), so every start and every command uses the same one.
 */
export const LOCAL_AMT_FILE = '.local-data/amt';

/** Overrides {@link LOCAL_AMT_FILE} (tests, or a second checkout that should share a token). */
export const LOCAL_AMT_FILE_ENV = 'SMARTCAR_LOCAL_AMT_FILE';

/** Prefix of generated development tokens, so one is recognisable when it leaks into a log. */
export const DEV_AMT_PREFIX = 'local-dev-amt-';

/**
 * Message attribute `npm run replay -- --stack NAME --into-local` adds to each copy it puts in the
 * local queue: where it came from, `stack NAME FROM/TO` (the window as an ISO 8601 interval). The
 * console lists such an event as a delivery of its own, marked with it; the deployed processor
 * never sees it.
 */
export const REPLAY_SOURCE_ATTRIBUTE = 'replaySource';

/** Paths the local HTTP server serves besides the webhook routes. */
export const LOCAL_PATHS = {
  STATS: '/_local/stats',
  ENDPOINTS: '/_local/endpoints',
  /** `GET /_local/deliveries/{eventId}`: `{ eventId, status }` from the idempotency table, 404 when unknown. */
  DELIVERIES: '/_local/deliveries',
  /** `GET`: the processor code running and its last reload ({@link LocalProcessorState}). */
  PROCESSOR: '/_local/processor',
  /** `GET`: metric series parsed from the functions' EMF lines, for the console's charts. */
  METRICS: '/_local/metrics',
  /** `GET`: DLQ messages with their last error. */
  DLQ: '/_local/dlq',
  /** `POST {eventIds?}`: moves DLQ messages (all when no ids) back to the main queue. */
  DLQ_REDRIVE: '/_local/dlq/redrive',
  /** `POST`: empties the DLQ. */
  DLQ_PURGE: '/_local/dlq/purge',
  /**
   * `POST {kind: 'verify' | 'state' | 'error', signals?: 'all' | string[]}`: sends one signed
   * sample delivery; `signals` picks a VEHICLE_STATE's signals from the signal catalogue.
   */
  SEND: '/_local/send',
  /** `GET`: the signal catalogue's codes, groups, names and descriptions (the Send tab's picker). */
  SIGNALS: '/_local/signals',
  /** `POST {id}`: sends the body of a logged delivery again, freshly signed. */
  RESEND: '/_local/resend',
  /** `GET`: the deliveries the receiver quarantined (docs/quarantine.md), bodies redacted and cut. */
  QUARANTINE: '/_local/quarantine',
  /** `POST {keys?}`: classifies quarantined deliveries again and queues those the receiver now takes (all when no keys). */
  QUARANTINE_REQUEUE: '/_local/quarantine/requeue',
} as const;

/**
 * Header that carries the per-start token every state-changing `POST /_local/*` needs. The
 * console page gets the token inside its HTML; a page on another origin cannot read it.
 */
export const LOCAL_TOKEN_HEADER = 'x-local-token';
