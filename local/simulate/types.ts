import type { FAULT_NAMES, ROW } from './constants.ts';

/** What a fault proxy does to the requests through it. */
export type ProxyMode =
  | { kind: 'pass' }
  /** Connection reset at once: the service is down. */
  | { kind: 'refuse' }
  /** No byte of answer until the mode changes: only the caller's own timeout ends the request. */
  | { kind: 'hang' }
  /** Forwarded after `delayMs`. */
  | { kind: 'slow'; delayMs: number }
  /** This share of requests (0..1) gets DynamoDB's throughput error (HTTP 400), the rest pass. */
  | { kind: 'throttle'; share: number };

/** One switchable fault (`--faults`). */
export type FaultName = (typeof FAULT_NAMES)[number];

/** What a generated entity is, and so what the pipeline should do with it. */
export type EntityKind =
  /** VEHICLE_STATE from a vehicle's signal history. */
  | 'state'
  /** VEHICLE_ERROR, `state` ERROR. */
  | 'error'
  /** VEHICLE_ERROR, `state` RESOLVED (follows its ERROR). */
  | 'resolved'
  /** VEHICLE_STATE from an OEM whose clock is 10 years ahead: handled, but must not freeze its signals. */
  | 'future-signal'
  /** Signed by Smartcar but not processable as a normal event: must be quarantined. */
  | 'unprocessable'
  /** Signed with a token that is not the AMT: must be refused. */
  | 'forged'
  /** A genuine delivery captured two hours ago and sent again: must be refused as stale. */
  | 'stale-replay';

/** One generated event (or attack request): the simulator's truth about it. */
export interface SimEntity {
  /** `eventId` (attacks carry one too). */
  id: string;
  kind: EntityKind;
  vehicleId?: string;
  /** VEHICLE_STATE: every signal's `oemUpdatedAt`, unique per vehicle (the ordering truth). */
  oemUpdatedAt?: number;
  /** VEHICLE_STATE: the state-of-charge value it carries. */
  stateOfCharge?: number;
  /** Why an `unprocessable` body cannot be processed normally (the quarantine reason to expect). */
  unprocessable?: string;
  /** Stale replays: `deliveredAt` stamped in epoch seconds, as Smartcar's payload reference shows. */
  secondsStamp?: boolean;
  /** Real ms after the traffic starts of the first delivery attempt. */
  firstAt: number;
  /** At-least-once copies Smartcar delivers later (same eventId, each with its own retries). */
  duplicates: number;
  /** An attacker re-sends the first accepted attempt verbatim (same bytes and signature). */
  verbatimReplay: boolean;
}

/** One HTTP attempt of a delivery, as the simulated Smartcar saw it. */
export interface AttemptRecord {
  /** Real epoch ms the attempt was sent. */
  at: number;
  deliveryId: string;
  /** 0 for the first attempt, 1..3 for the retries. */
  attempt: number;
  status?: number;
  /** Why no status: `timeout` (Smartcar's 15 s, scaled), or the connection error's code. */
  error?: string;
  latencyMs: number;
  /** Faults active at any time while it was under way. */
  faults: FaultName[];
}

/** One delivery chain: an attempt and its retries (Smartcar drops the event after the last). */
export interface DeliveryRecord {
  entityId: string;
  /** `original`, a later at-least-once `duplicate`, or an attacker's `verbatim` or `attack` request. */
  source: 'original' | 'duplicate' | 'verbatim' | 'attack';
  attempts: AttemptRecord[];
  /** A 2xx was received in time. */
  delivered: boolean;
}

/** A handler run the simulation's handlers module wrote down (`sim-handlers.ts`). */
export interface HandlerRun {
  /** eventId. */
  e: string;
  /** replayId, on a replay run's copy. */
  r?: string;
  /** start, ok (returned), err (threw), kill (worker exits), timeout (hangs past the invocation). */
  s: 'start' | 'ok' | 'err' | 'kill' | 'timeout';
  /** Epoch ms. */
  t: number;
  /** The worker that ran it. */
  w: string;
}

/** The rows of the accounting table: every entity ends in exactly one. */
export type RowName = (typeof ROW)[keyof typeof ROW];

/** One entity's place in the accounting. */
export interface EntityAccount {
  id: string;
  kind: EntityKind;
  row: RowName;
  /** Rows it also matched (a discrepancy when not empty). */
  alsoIn: RowName[];
  /** Why it is in its row: the fault behind a drop, the reason of a quarantine or a refusal. */
  cause?: string;
  /** Successful non-replay handler runs. */
  runs: number;
}

/** A discrepancy the run found: what, how many, which events (first few), and the likely cause. */
export interface Finding {
  check: string;
  count: number;
  detail: string;
  examples: string[];
}

/** A time window during which a fault was active. */
export interface FaultWindow {
  fault: FaultName;
  /** Real epoch ms. */
  from: number;
  to: number;
}

/** What `runSimulation` returns (and `--json` prints). */
export interface SimulationReport {
  seed: number;
  events: number;
  timeScale: number;
  faults: FaultName[];
  /** Count per row, and per cause within the row. */
  table: Record<RowName, { count: number; causes: Record<string, number> }>;
  /** Extra successful handler runs of the same event, by cause. */
  reruns: Record<string, number>;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  findings: Finding[];
  faultWindows: FaultWindow[];
  /** From Smartcar's first attempt to the first successful handler run, real ms (events handled). */
  lagMs: { p50: number; p99: number; max: number };
  /** Delivery attempts sent, by answer. */
  attempts: Record<string, number>;
  elapsedMs: number;
  /** Whether every check held. */
  ok: boolean;
  quarantineAvailable: boolean;
}

/** Test-only breakages: each must make the run fail (the simulator's own proof that it can). */
export interface Breakages {
  /** A front door that answers 200 before the pipeline has the body (forwarded in the background). */
  ackBeforePersist?: boolean;
  /** The processor runs without its archive writer. */
  skipArchive?: boolean;
  /** The quarantine loses one body (wraps the quarantine adapter). */
  dropQuarantinedBody?: boolean;
  /** The VEHICLE_STATE handler sees every signal stamped "now": the oemUpdatedAt order is ignored. */
  ignoreFreshness?: boolean;
}

/** Options of `runSimulation`. */
export interface SimulationOptions {
  seed: number;
  /** Authentic events to generate (attacks and unprocessable bodies come on top, a few percent). */
  events: number;
  faults: readonly FaultName[];
  /** Smartcar's clock runs this many times faster than the real one (retry waits and the 15 s timeout). */
  timeScale: number;
  /** Authentic events per real second Smartcar starts delivering. */
  rate: number;
  /** The main queue's visibility timeout, and so the invocation timeout. @default SIMULATE_DEFAULTS.visibilityTimeoutSeconds */
  visibilityTimeoutSeconds?: number;
  /** Where the run keeps its data folder; a fresh temporary folder when absent. */
  workDir?: string;
  /** Progress lines. */
  onProgress?: (line: string) => void;
  breakages?: Breakages;
}
