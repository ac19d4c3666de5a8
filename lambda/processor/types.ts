import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ArchiveWriter } from './archive/types.ts';

// ---------------------------------------------------------------------------------------------
// Typed events: what `parseEvent` makes of a Smartcar 4.0 body, whatever variant arrived.
// ---------------------------------------------------------------------------------------------

/** Delivery metadata. `deliveredAt` is always epoch milliseconds here (the wire also uses ISO strings). */
export interface EventMeta {
  version?: string;
  webhookId?: string;
  webhookName?: string;
  /** New on every delivery attempt. */
  deliveryId?: string;
  /** When Smartcar sent this attempt, epoch ms. Refreshed on every retry: never use it to order data. */
  deliveredAt?: number;
  /** `LIVE` or `TEST` (Dashboard test deliveries); other values are passed through. */
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

/** Timestamps of one signal value, epoch ms. */
export interface SignalMeta {
  /** When the vehicle or OEM recorded the value: the ordering key. */
  oemUpdatedAt?: number;
  /** When Smartcar fetched the value (`retrievedAt` or `fetchedAt` on the wire): the fallback ordering key. */
  retrievedAt?: number;
}

/** Per-signal read status; on `ERROR` the signal has no `body`. */
export interface SignalStatus {
  value: string;
  error?: { code: string | null; type: string | null };
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

/** Fields every data event has. */
interface BaseEvent {
  /** Stable across Smartcar retries: the idempotency key. */
  eventId: string;
  meta: EventMeta;
  /** `meta.mode === 'TEST'`: a Dashboard test delivery. Routed like any other; the handler decides. */
  isTest: boolean;
  /**
   * Set when `npm run replay` sent this copy from the archive: the handler runs again once per
   * replay run, even for an eventId handled before. Skip side effects that must happen once
   * (notifications); the stores' freshness checks already keep older signals from overwriting newer.
   */
  replay?: ReplayInfo;
}

/** Which replay run sent an event (see `npm run replay`). */
export interface ReplayInfo {
  /** One id per replay run, printed by the command when it starts. */
  id: string;
}

/** Signal values of one vehicle; every subscribed signal is included, not only the changed ones. */
export interface VehicleStateEvent extends BaseEvent {
  eventType: 'VEHICLE_STATE';
  vehicleId: string;
  userId?: string;
  vehicle: VehicleInfo;
  triggers: Trigger[];
  signals: Signal[];
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

/** Signal retrieval failed (or recovered, with `state: 'RESOLVED'`). */
export interface VehicleErrorEvent extends BaseEvent {
  eventType: 'VEHICLE_ERROR';
  vehicleId: string;
  userId?: string;
  vehicle: VehicleInfo;
  errors: VehicleError[];
}

/** Every event type that has a business handler. */
export type SmartcarEvent = VehicleStateEvent | VehicleErrorEvent;

/** The event types with a business handler. */
export type SmartcarEventType = SmartcarEvent['eventType'];

/** What one SQS body turned out to be. Malformed bodies throw `MalformedEventError` instead. */
export type ParsedBody =
  | { kind: 'event'; event: SmartcarEvent }
  /** A 4.0 envelope with an event type this processor has no handler for (VERIFY included). */
  | { kind: 'unknown'; eventId?: string; eventType: string }
  /** A legacy 2.0 payload (`version: "2.0"`, `eventName`). */
  | { kind: 'legacy'; eventName?: string };

// ---------------------------------------------------------------------------------------------
// Stores the default handlers use (one DynamoDB item per vehicle and kind).
// ---------------------------------------------------------------------------------------------

/** The stored latest value of one signal. */
export interface StoredSignal {
  name?: string;
  group?: string;
  body: Record<string, unknown>;
  oemUpdatedAt?: number;
  retrievedAt?: number;
  /** `oemUpdatedAt`, or `retrievedAt` when the OEM gave none: what freshness is decided on. */
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
  /** When the event reporting this state was delivered, epoch ms (the only time an error carries). */
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

/** Latest signal values per vehicle, newest `oemUpdatedAt` wins. */
export interface VehicleStateStore {
  /** The latest stored state of a vehicle (strongly consistent read), or `undefined` if none yet. */
  get(vehicleId: string): Promise<VehicleSnapshot | undefined>;
  /** Merges signals into the stored state, keeping per code whichever value is newer. */
  mergeSignals(vehicleId: string, signals: readonly Signal[], eventId: string): Promise<SignalMergeResult>;
}

/** Error and RESOLVED states per vehicle. */
export interface VehicleErrorStore {
  get(vehicleId: string): Promise<VehicleErrorSnapshot | undefined>;
  /**
   * Records each error's state; an older report never overwrites a newer one, and two reports of
   * different states too close in time to order are both kept (`contested`).
   */
  record(
    vehicleId: string,
    errors: readonly VehicleError[],
    eventId: string,
    reportedAt: number,
  ): Promise<VehicleErrorSnapshot>;
}

// ---------------------------------------------------------------------------------------------
// Business handlers.
// ---------------------------------------------------------------------------------------------

/** What a business handler gets besides its event. */
export interface HandlerContext {
  /** Structured logger; already carries `eventId`, `eventType` and `vehicleId`. Never log VINs or locations. */
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
 */
export type EventHandler<E extends SmartcarEvent> = (event: E, context: HandlerContext) => Promise<void>;

/** One handler per event type. */
export type EventHandlers = { [T in SmartcarEventType]: EventHandler<Extract<SmartcarEvent, { eventType: T }>> };

// ---------------------------------------------------------------------------------------------
// Processor wiring.
// ---------------------------------------------------------------------------------------------

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
  vehicleStateTableName: string;
  /** @default PIPELINE_DEFAULTS.vehicleStateTtlSeconds */
  vehicleStateTtlSeconds?: number;
  /** @default PIPELINE_DEFAULTS.maxReceiveCount */
  maxReceiveCount?: number;
  /** Override business handlers (tests, local fault injection); defaults are in `handlers/`. */
  handlers?: Partial<EventHandlers>;
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
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  onOutcome?: (outcome: ProcessorOutcome) => void;
}

/** Processor settings read from the environment the stack sets (see `loadProcessorConfig`). */
export interface ProcessorConfig {
  idempotencyTableName: string;
  idempotencyTtlSeconds: number;
  vehicleStateTableName: string;
  vehicleStateTtlSeconds: number;
  maxReceiveCount: number;
  /** Firehose stream of the archive; absent when the stack has no archive. */
  archiveStreamName?: string;
}
