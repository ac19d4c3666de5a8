/**
 * The bench's knobs and the targets. Stack settings (memory, batch size, API type,
 * secret cache) are never repeated here: `stack-settings.ts` reads them from the synthesized
 * template.
 */

/** Body sizes of the receiver hot-path bench: label and target size in bytes. */
export const BODY_SIZES = [
  { label: '0.5KB', bytes: 512 },
  { label: '5KB', bytes: 5 * 1024 },
  { label: '50KB', bytes: 50 * 1024 },
] as const;

export type SizeLabel = (typeof BODY_SIZES)[number]['label'];

/** Receiver hot path: requests per size (after warm-up), and how they interleave with the floor. */
export const HOT_PATH = {
  warmupRequests: 1_000,
  requests: 5_000,
  /** Receiver and floor alternate in rounds of this many, so both see the same machine noise. */
  roundSize: 100,
  /** Distinct signed bodies per size, cycled through. */
  distinctBodies: 64,
} as const;

/** Cold-start proxy: fresh Node processes per bundle (and for bare `node -e 0`), interleaved. */
export const COLD_START = { runs: 21, warmupRuns: 2 } as const;

/** Local end to end: signed events, requests in flight. */
export const END_TO_END = {
  events: 5_000,
  concurrency: 50,
  /**
   * Deliveries sent (and drained) before the measured load, at the same concurrency, so the
   * first wave does not measure V8 compiling the receiver's code paths. They are excluded from
   * every measured figure and reported on their own.
   */
  warmupEvents: 500,
  /** Vehicles the events are spread over (several events per vehicle, as in a real fleet). */
  vehicles: 500,
  /** Longest the run may wait for the processor to drain the queue. */
  drainTimeoutMs: 120_000,
  requestTimeoutMs: 15_000,
} as const;

/** Processor in process: batches of the stack's batch size against the DynamoDB emulator. */
export const PROCESSOR_BATCHES = { warmupBatches: 5, batches: 60 } as const;

/**
 * Lambda writes START, END and REPORT lines per invocation in the text log format the stack
 * uses; about 250 bytes together (REPORT alone is ~130). Not measurable here: an estimate.
 */
export const LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION = 250;

/** Events per month the fixed costs (secret storage, idle polling) are spread over. */
export const REFERENCE_EVENTS_PER_MONTH = 1_000_000;

/**
 * Lambda's SQS event source long-polls with 5 pollers at first (AWS docs, SQS scaling); each
 * empty long poll (20 s) is one billed ReceiveMessage.
 */
export const IDLE_SQS_POLLERS = 5;
export const LONG_POLL_SECONDS = 20;

/** Targets from issue #6. Bench figures, never test assertions. */
export const TARGETS = {
  /** Receiver p99 at 5 KB no more than this multiple of its floor (the recipe measures about 12x). */
  receiverP99Ratio5KB: 5,
  /** Log and metric bytes per accepted event, both functions (the recipe: 2.2 KB at 0.5 KB bodies, 6.7 KB at 5 KB). */
  logBytesPerEvent: 1_024,
  /** Pipeline cost per million events, USD (the default HTTP API stack). */
  pipelineUsdPerMillion: 4,
  /** Pipeline cost per million events of the cheapest front door, USD (issue 14). */
  cheapestPipelineUsdPerMillion: 2.5,
  /** Receiver bundle with the AWS SDK external. */
  receiverBundleBytes: 60 * 1024,
  /** Local end to end HTTP p99 at 50 concurrent on 2 cores. */
  e2eHttpP99Ms: 200,
  lost: 0,
} as const;

/** Smartcar's recipe, for the comparison row (research notes, anchors §1 and §c). */
export const RECIPE = {
  usdPerMillionLow: 6,
  usdPerMillionHigh: 10,
  receiverP99Ratio5KB: 12,
  logBytesPerEvent: { '0.5KB': 2_200, '5KB': 6_700 },
} as const;

/**
 * Assumed round trip of one SQS SendMessage from Lambda in the same Region, ms. The hot-path
 * bench answers SQS instantly and the local emulator shares a core with everything else, so
 * neither measures it: an assumption, stated in the output.
 */
export const ASSUMED_SQS_SEND_MS = 10;

/** Seconds in the 30-day month the cost model bills. */
export const MONTH_SECONDS = 30 * 24 * 60 * 60;

/**
 * The delivery simulation (`npm run simulate`, local/simulate/): a longer run than the suite's,
 * every fault, Smartcar's clock at 100x. Its table and the lag from Smartcar's first attempt to
 * handling go into results.json.
 */
export const SIMULATION = { seed: 1, events: 3_000, timeScale: 100, rate: 60 } as const;
