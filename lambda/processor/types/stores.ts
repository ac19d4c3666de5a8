import type { SignalLookup } from '../signals/types.ts';
import type { Signal, VehicleError } from './events.ts';

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
