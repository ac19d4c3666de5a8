import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { EventTypeName } from '../core/event-types.ts';
import type { SignalLookup, SignalMeta, SignalStatus } from './signals/types.ts';

// Every type of the processor, in one place (as Powertools keeps its `types.ts`), in reading
// order: the parts of a typed event, as `parseEvent` makes them of a Smartcar 4.0 body whatever
// variant arrived; the handler API (events, HandlerContext, EventHandler); the stores handlers
// write through; the processor's wiring, idempotency and archive. Signal bodies are typed in
// ./signals/types.ts, from the shapes in ./signals/shapes.ts.

/**
 * Delivery metadata. `deliveredAt` is always epoch milliseconds here (the wire also uses seconds and
 * ISO strings; `lambda/core/timestamp.ts` reads them all), absent when it is no plausible time.
 */
export interface EventMeta {
  version?: string;
  webhookId?: string;
  webhookName?: string;
  /** New on every delivery attempt. */
  deliveryId?: string;
  /** When Smartcar sent this attempt, epoch ms. Refreshed on every retry: never use it to order data. */
  deliveredAt?: number;
  /**
   * `LIVE`, `TEST` (Dashboard test deliveries) or `SIMULATED` (Vehicle Simulator), as sent; the
   * two non-live ones, in any case, make `isTest` true. Other values are passed through as live.
   */
  mode?: string;
  signalCount?: number;
}

/** The vehicle as Smartcar describes it. The VIN is deliberately not carried (it is personal data). */
export interface VehicleInfo {
  id: string;
  make?: string;
  model?: string;
  year?: number;
}

/** A signal named by reference (triggers, affected signals of an error). */
export interface SignalRef {
  /** Kebab-case `group-name`, e.g. `tractionbattery-stateofcharge`. */
  code: string;
  name?: string;
  group?: string;
}

/** One signal of a VEHICLE_STATE event. */
export interface Signal extends SignalRef {
  /** Signal-specific value, e.g. `{ unit: 'percent', value: 78 }`. Absent when the read failed. */
  body?: Record<string, unknown>;
  status?: SignalStatus;
  meta: SignalMeta;
}

/** Why a VEHICLE_STATE was sent: a signal changed, or the first delivery after (re)subscribing. */
export interface Trigger {
  /** `SIGNAL_UPDATED`, `FIRST_DELIVERY`, or whatever Smartcar sends next. */
  type: string;
  signal?: SignalRef;
}

/** One error (or its resolution) reported for a vehicle. */
export interface VehicleError {
  /** `CONNECTED_SERVICES_ACCOUNT`, `VEHICLE_STATE`, `COMPATIBILITY`, `PERMISSION`, ... */
  type: string;
  /** e.g. `UNREACHABLE`; `null` for some types (PERMISSION). */
  code: string | null;
  /** `ERROR` or `RESOLVED`. */
  state: string;
  description?: string;
  /** Text meant for the vehicle owner. */
  suggestedUserMessage?: string;
  docURL?: string;
  /** e.g. `RETRY_LATER`, `USER_ACTION_REQUIRED`; `null` when Smartcar sends none. */
  resolutionType: string | null;
  /** Affected signals; empty for broad errors. */
  signals: SignalRef[];
}

/**
 * An event of any type with a handler: one of `EVENT_TYPES`, or an extra type registered with
 * its handler (which then arrives untyped).
 */
export type ParsedEvent = SmartcarEvent | UntypedEvent;

/**
 * What one SQS body turned out to be. Malformed bodies throw `MalformedEventError` instead.
 * `E` is `ParsedEvent` when extra event types are accepted.
 */
export type ParsedBody<E extends ParsedEvent = SmartcarEvent> =
  | { kind: 'event'; event: E }
  /** A 4.0 envelope with an event type this processor has no handler for (VERIFY included). */
  | { kind: 'unknown'; eventId?: string; eventType: string }
  /** A legacy 2.0 payload (`version: "2.0"`, `eventName`). */
  | { kind: 'legacy'; eventName?: string };

// The handler API: everything a business handler sees. Fork a handler with this file and the
// handler's own file; the shapes below (Signal, VehicleError, the stores) are in ../types/.

/** Fields every data event has, whatever its type. */
export interface BaseEvent {
  /** Stable across Smartcar retries: the idempotency key. Key your side effects on it. */
  eventId: string;
  meta: EventMeta;
  /**
   * A delivery that carries no live vehicle's data: `meta.mode` is `TEST` (a Dashboard test
   * delivery) or `SIMULATED` (a Vehicle Simulator vehicle), in any case. Routed like any other;
   * the handler decides (the examples acknowledge it without storing it).
   */
  isTest: boolean;
  /**
   * Set when `npm run replay` sent this copy from the archive: the handler runs again once per
   * replay run, even for an eventId handled before. Skip side effects that must happen once
   * (notifications); the stores' freshness checks already keep older signals from overwriting newer.
   */
  replay?: ReplayInfo;
  vehicleId: string;
  userId?: string;
  /** Make, model, year. Never the VIN: the parser drops it. */
  vehicle: VehicleInfo;
}

/** Which replay run sent an event (see `npm run replay`). */
export interface ReplayInfo {
  /** One id per replay run, printed by the command when it starts. */
  id: string;
}

/** VEHICLE_STATE: every subscribed signal of one vehicle, sent when a trigger signal changed. */
export interface VehicleStateEvent extends BaseEvent {
  eventType: 'VEHICLE_STATE';
  triggers: Trigger[];
  /** Every signal as it arrived, in order: bodies untyped (`Record<string, unknown>`). */
  signals: Signal[];
  /**
   * One signal by code, its body typed as Smartcar documents it (`lambda/processor/signals/`);
   * `unknown` for a code the catalogue does not list.
   *
   * Returns `undefined` when the signal is absent, failed (no body), or its body does not have
   * the documented shape: that copy stays in `signals` and is stored, and the processor counts
   * it as the `SignalShapeMismatch` metric (dimension `signal`, the code).
   *
   * @example
   * ```ts
   * const soc = event.signal('tractionbattery-stateofcharge')?.body.value; // number | undefined
   * ```
   */
  signal: SignalLookup;
}

/** VEHICLE_ERROR: signal retrieval failed (or recovered, with `state: 'RESOLVED'`). */
export interface VehicleErrorEvent extends BaseEvent {
  eventType: 'VEHICLE_ERROR';
  errors: VehicleError[];
}

/** An event type the parser has no typed shape for: its `data` object as it arrived. */
export interface UntypedEvent<T extends string = string> extends BaseEvent {
  eventType: T;
  data: Record<string, unknown>;
}

/** The typed shape of each event type that has one; add yours here (and its parser to `DATA_PARSERS` in `parse-event.ts`) to get a typed `event`. */
interface TypedEvents {
  VEHICLE_STATE: VehicleStateEvent;
  VEHICLE_ERROR: VehicleErrorEvent;
}

/** The event a handler of type `T` receives. */
export type EventOf<T extends string> = T extends keyof TypedEvents ? TypedEvents[T] : UntypedEvent<T>;

/** Every event of an event type in `EVENT_TYPES`. */
export type SmartcarEvent = { [T in EventTypeName]: EventOf<T> }[EventTypeName];

/** What a business handler gets besides its event. */
export interface HandlerContext {
  /**
   * Structured logger; every line already carries `eventId`, `eventType` and `vehicle` (the
   * vehicle id shortened). Never log VINs, locations or whole signal bodies.
   */
  logger: Logger;
  /** Add custom metrics here; they are published at the end of the batch. */
  metrics: Metrics;
  /** Latest signal values per vehicle (stale signals are skipped and counted for you). */
  vehicleState: VehicleStateStore;
  /** Error and RESOLVED states per vehicle. */
  vehicleErrors: VehicleErrorStore;
  /** The SQS receive count of this record: 1 on the first attempt. */
  attempt: number;
  /** Clock, epoch ms (the injected one in tests). */
  now: () => number;
}

/**
 * A business handler: throw to have the event retried (the idempotency key is released first);
 * return normally and the event is done. Each eventId reaches its handler once in normal
 * operation, and again only after a failure between the handler's return and the completion
 * record, or on a replay: key downstream side effects on `event.eventId`.
 *
 * @example
 * ```ts
 * export const handlePing: EventHandler<EventOf<'PING'>> = async (event, { logger }) => {
 *   logger.info(`PING ${event.eventId}`);
 * };
 * ```
 */
export type EventHandler<E extends BaseEvent> = (event: E, context: HandlerContext) => Promise<void>;

/** The handler registry: one handler per event type of `EVENT_TYPES`, no more, no fewer. */
export type EventHandlers = { [T in EventTypeName]: EventHandler<EventOf<T>> };

// The stores the example handlers use: one DynamoDB item per vehicle and kind.

/** The stored latest value of one signal. */
export interface StoredSignal {
  name?: string;
  group?: string;
  body: Record<string, unknown>;
  oemUpdatedAt?: number;
  retrievedAt?: number;
  /**
   * `oemUpdatedAt`, or `retrievedAt` when the OEM gave none: what freshness is decided on. Never
   * later than the delivery's receipt plus `futureToleranceSeconds` (a later stamp is clamped).
   */
  orderedAt: number;
  /** The event that delivered this copy of the value. */
  eventId: string;
  /**
   * The event whose merge reported this value `applied`, when that is not `eventId`: a later
   * event with the same timestamp and the same body can replace the copy (the deterministic
   * tie-break) without having changed the value. Absent in the common case, where the event that
   * delivered the copy is the one that applied it (one attribute less per signal in the item).
   */
  appliedBy?: string;
}

/** Latest state of one vehicle: one entry per signal code. */
export interface VehicleSnapshot {
  vehicleId: string;
  signals: Record<string, StoredSignal>;
  /**
   * One stored signal by code, its body typed as Smartcar documents it; `undefined` when none is
   * stored or its body does not have the documented shape (then read `signals[code]`).
   *
   * @example
   * ```ts
   * snapshot.signal('odometer-traveleddistance')?.body; // { value: number; unit: 'kilometers' | 'miles' }
   * ```
   */
  signal: SignalLookup;
  /** Optimistic-concurrency version; grows by one per accepted write. */
  version: number;
  /** When this item was last written, epoch ms. */
  updatedAt: number;
}

/** What a merge did with each incoming signal code. */
export interface SignalMergeResult {
  /**
   * Newer than what was stored (or first seen): now the latest value. Stable across attempts of
   * one event: a value this `eventId` already applied (an earlier attempt stored it, then failed)
   * is reported applied again, as long as no newer value has replaced it since.
   */
  applied: string[];
  /** Older than the stored value: skipped, and counted as the `StaleSignal` metric. */
  stale: string[];
  /** Same timestamp as the stored value: a repeat of what is already there (every event carries every signal). */
  unchanged: string[];
  /** No body (the read failed) or no timestamp at all: nothing to order, so never stored. */
  skipped: string[];
  /**
   * Stamped further ahead of the delivery's receipt than `futureToleranceSeconds` (a wrong OEM
   * clock, or a forgery): ordered at the receipt plus the tolerance instead, and counted as the
   * `FutureSignal` metric. Also in one of the lists above.
   */
  future: string[];
  /** The state after the merge (what was read, when nothing was applied). */
  snapshot: VehicleSnapshot;
  /** Conditional-write attempts used (1 unless another writer raced this one). */
  attempts: number;
}

/** Latest error state of one error kind (`type` + `code`) of a vehicle. */
export interface StoredVehicleError {
  type: string;
  code: string | null;
  state: string;
  description?: string;
  suggestedUserMessage?: string;
  resolutionType: string | null;
  /**
   * When the event reporting this state was delivered, epoch ms (the only time an error carries),
   * never later than its receipt plus `futureToleranceSeconds`.
   */
  reportedAt: number;
  eventId: string;
  /**
   * A report of the other state whose order against this one is unknown: the two were delivered
   * less than Smartcar's retry span apart, so either may be a late retry of an event older than
   * the other (a retry carries a fresh `deliveredAt`). `state` is the later-delivered one; decide
   * what to do (e.g. re-read the vehicle through Smartcar's API) before telling the owner.
   * Absent when the order is certain.
   */
  contested?: ErrorReport;
}

/** One report of an error's state: which event said what, and when it was delivered. */
export interface ErrorReport {
  state: string;
  eventId: string;
  /** `meta.deliveredAt` of the reporting event, epoch ms. */
  reportedAt: number;
}

/** Error states of one vehicle, keyed by `type#code`. */
export interface VehicleErrorSnapshot {
  vehicleId: string;
  errors: Record<string, StoredVehicleError>;
  version: number;
  updatedAt: number;
}

/** When the delivery being stored was received: what bounds the order times it may claim. */
export interface DeliveryReceipt {
  /**
   * Epoch ms when the receiver accepted the delivery (the `receivedAt` message attribute). The
   * processor passes it; without it, the store's clock stands in.
   * @default now()
   */
  receivedAt?: number;
}

/** Latest signal values per vehicle, newest `oemUpdatedAt` wins. */
export interface VehicleStateStore {
  /** The latest stored state of a vehicle (strongly consistent read), or `undefined` if none yet. */
  get(vehicleId: string): Promise<VehicleSnapshot | undefined>;
  /**
   * Merges signals into the stored state, keeping per code whichever value is newer. An order
   * time later than the receipt plus `futureToleranceSeconds` is clamped to that (`future`).
   */
  mergeSignals(
    vehicleId: string,
    signals: readonly Signal[],
    eventId: string,
    receipt?: DeliveryReceipt,
  ): Promise<SignalMergeResult>;
}

/** Error and RESOLVED states per vehicle. */
export interface VehicleErrorStore {
  get(vehicleId: string): Promise<VehicleErrorSnapshot | undefined>;
  /**
   * Records each error's state; an older report never overwrites a newer one, and two reports of
   * different states too close in time to order are both kept (`contested`). A `reportedAt`
   * later than the receipt plus `futureToleranceSeconds` is clamped to that.
   */
  record(
    vehicleId: string,
    errors: readonly VehicleError[],
    eventId: string,
    reportedAt: number,
    receipt?: DeliveryReceipt,
  ): Promise<VehicleErrorSnapshot>;
}

// The processor's wiring: what it is built from and what it reports.

/** Replacement handlers by event type, and handlers of extra event types. */
export type HandlerOverrides = Partial<EventHandlers> & {
  readonly [eventType: string]: EventHandler<never> | undefined;
};

/** Outcome of one SQS record, reported to an optional observer (the local pipeline's live stats). */
export interface ProcessorOutcome {
  messageId: string;
  eventId?: string;
  eventType?: string;
  /**
   * `processed`: the business handler ran and succeeded; `duplicate`: the eventId was already
   * done; `ignored`: acknowledged without a handler (unknown type, legacy payload); `failed`:
   * the record is reported in batchItemFailures. A copy of an event whose handler is still in
   * flight elsewhere is `failed` (SQS retries it later, and then it is a `duplicate`), because
   * acknowledging it early would hide a failure of the copy in flight.
   */
  outcome: 'processed' | 'duplicate' | 'ignored' | 'failed';
  /** Signals skipped because a newer value was already stored. */
  staleSignals?: number;
  /** Signal values and error reports stamped past their receipt plus the future tolerance (clamped). */
  futureSignals?: number;
  /** True when `failed` happened on the last allowed receive (the message goes to the DLQ next). */
  finalAttempt?: boolean;
  /** The replay run that sent this record, when `npm run replay` did. */
  replayId?: string;
}

/** Everything the processor needs, built once per container (or once per local pipeline). */
export interface ProcessorDependencies {
  logger: Logger;
  metrics: Metrics;
  dynamodb: DynamoDBClient;
  idempotencyTableName: string;
  /** @default PIPELINE_DEFAULTS.idempotencyTtlSeconds */
  idempotencyTtlSeconds?: number;
  /**
   * The vehicle stores' table (`vehicleStateStore: false` leaves it out). Without it the stores
   * of `HandlerContext` throw on use, and the example handlers, which use them, are refused at
   * cold start.
   * @default - no vehicle stores
   */
  vehicleStateTableName?: string;
  /** @default PIPELINE_DEFAULTS.vehicleStateTtlSeconds */
  vehicleStateTtlSeconds?: number;
  /** @default PIPELINE_DEFAULTS.maxReceiveCount */
  maxReceiveCount?: number;
  /**
   * How far past its delivery's receipt an order time (`oemUpdatedAt`, an error's `deliveredAt`)
   * is believed, in seconds; a later one is clamped and counted (`FutureSignal`).
   * @default PIPELINE_DEFAULTS.futureToleranceSeconds (900)
   */
  futureToleranceSeconds?: number;
  /**
   * Handlers to use instead of the defaults of `handlers/index.ts` (tests, local fault
   * injection). A key that is not in `EVENT_TYPES` registers one more event type, whose handler
   * gets an `UntypedEvent` (its `data` unparsed).
   * @default defaultHandlers
   */
  handlers?: HandlerOverrides;
  /**
   * Throw `FullBatchFailureError` when every record of a batch failed (Powertools' default).
   * Off by default: the stack turns on `ReportBatchItemFailures`, so a response that lists every
   * record already makes SQS retry them all, and not throwing keeps the function's `Errors`
   * metric (the `ProcessorErrors` alarm) for crashes and timeouts. With batches of one record at
   * low traffic, a throw would page once per receive of every poison event. Turn it on only
   * behind an event source without `ReportBatchItemFailures`.
   * @default false
   */
  throwOnFullBatchFailure?: boolean;
  /**
   * Where each batch is archived before its handlers run (Firehose in AWS, a folder locally). A
   * record whose archive write failed fails without running its handler, and SQS retries it.
   * @default - no archive (`-c archive=false`)
   */
  archive?: ArchiveWriter;
  /**
   * The environment the stack set, checked against the wiring: when it names an archive stream
   * (`ARCHIVE_STREAM_NAME`) and `archive` is absent, the processor refuses to start rather than
   * handle records nobody archived.
   * @default process.env
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  onOutcome?: (outcome: ProcessorOutcome) => void;
}

/** Processor settings read from the environment the stack sets (see `loadProcessorConfig`). */
export interface ProcessorConfig {
  idempotencyTableName: string;
  idempotencyTtlSeconds: number;
  /** Absent when the stack has no vehicle-state store (`vehicleStateStore: false`). */
  vehicleStateTableName?: string;
  vehicleStateTtlSeconds: number;
  maxReceiveCount: number;
  futureToleranceSeconds: number;
  /** Firehose stream of the archive; absent when the stack has no archive. */
  archiveStreamName?: string;
}

// How the processor drives Powertools Idempotency (see ../idempotency.ts).

/** Options of `createIdempotency`. */
export interface IdempotencyOptions {
  dynamodb: DynamoDBClient;
  tableName: string;
  /** How long a completed key is remembered, in seconds (queue + DLQ retention; Smartcar asks for 7 days at least). */
  ttlSeconds: number;
}

/**
 * Runs `task` unless `key` has completed: `ran` is false for a duplicate (the task did not run).
 * Rethrows what the task throws (its record is deleted first), and throws
 * `IdempotencyAlreadyInProgressError` while another copy holds the key (see `isInFlightElsewhere`).
 */
export type IdempotentRunner = (key: string, task: () => Promise<void>) => Promise<{ ran: boolean }>;

/** Idempotency for one invocation's records, created by `createIdempotency`. */
export interface Idempotency {
  /** The runner of one invocation: its records stay INPROGRESS at most as long as it may run. */
  begin(context: Context | undefined): IdempotentRunner;
}

/** One record to archive: the SQS messageId it came from and its archive line (JSON plus `\n`). */
export interface ArchiveEntry {
  id: string;
  line: Buffer;
}

/**
 * One Firehose record as the processor sends it: `data` is the GZIP of whole archive lines of one
 * batch, in order, and `ids` the SQS messageIds of those lines, in the same order. When the
 * record is not stored, every one of them failed.
 */
export interface PackedRecord {
  ids: string[];
  data: Buffer;
}

/** What one archive write did: the ids whose lines are not stored (each with a reason). */
export interface ArchiveWriteResult {
  failed: Map<string, string>;
}

/**
 * Where the processor archives each batch before its handlers run: Firehose in AWS
 * (`createFirehoseArchiveWriter`), a folder locally (`local/archive.ts`). `write` resolves once
 * every entry not listed in `failed` is stored; it never rejects.
 */
export interface ArchiveWriter {
  /** The Firehose stream written to, for a writer that writes to one (checked against the environment's). */
  readonly deliveryStreamName?: string;
  write(entries: readonly ArchiveEntry[]): Promise<ArchiveWriteResult>;
}

/** What the archive step decided for one batch. */
export interface ArchiveOutcome {
  /** messageId to the reason its archive failed: these records fail without running a handler. */
  failed: Map<string, string>;
  /** Records written to the archive. */
  archived: number;
}
