import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PIPELINE_DEFAULTS, VEHICLE_RECORD_KIND } from '../../core/constants.ts';
import { storedSignalLookup } from '../signals/access.ts';
import type {
  DeliveryReceipt,
  Signal,
  SignalMergeResult,
  StoredSignal,
  VehicleSnapshot,
  VehicleStateStore,
} from '../types.ts';
import { latestBelievedTime, mergeSignals } from './freshness.ts';
import { readVersionedItem, updateVersionedItem, type VersionedItemLocation } from './versioned-item.ts';

const ATTRIBUTE = 'signals';

/** Options of {@link DynamoVehicleStateStore}. */
export interface VehicleStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Seconds a vehicle's state lives after its last update; 0 keeps it forever. */
  ttlSeconds: number;
  /**
   * How far past a delivery's receipt an order time (a signal's `oemUpdatedAt`, an error report's
   * `deliveredAt`) is believed; a later one is clamped to the receipt plus this.
   * @default PIPELINE_DEFAULTS.futureToleranceSeconds (900)
   */
  futureToleranceSeconds?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Latest value of every signal per vehicle, in one DynamoDB item per vehicle (`kind` SIGNALS),
 * merged with optimistic concurrency so out-of-order and concurrent events converge on the
 * newest value of each signal.
 *
 * @example
 * ```ts
 * const store = new DynamoVehicleStateStore({ client, tableName: 'vehicle-state', ttlSeconds: 0 });
 * const { stale } = await store.mergeSignals('veh-1', event.signals, event.eventId);
 * const latest = await store.get('veh-1');
 * latest?.signals['tractionbattery-stateofcharge']?.body; // { unit: 'percent', value: 78 }
 * ```
 */
export class DynamoVehicleStateStore implements VehicleStateStore {
  readonly #location: VersionedItemLocation;
  readonly #futureToleranceMs: number;

  public constructor(options: VehicleStoreOptions) {
    this.#location = { ...options, now: options.now ?? Date.now };
    this.#futureToleranceMs = (options.futureToleranceSeconds ?? PIPELINE_DEFAULTS.futureToleranceSeconds) * 1000;
  }

  public async get(vehicleId: string): Promise<VehicleSnapshot | undefined> {
    const item = await readVersionedItem<Record<string, StoredSignal>>(
      this.#location,
      vehicleId,
      VEHICLE_RECORD_KIND.SIGNALS,
      ATTRIBUTE,
    );
    return (
      item && {
        vehicleId,
        signals: item.payload,
        signal: storedSignalLookup(item.payload),
        version: item.version,
        updatedAt: item.updatedAt,
      }
    );
  }

  public async mergeSignals(
    vehicleId: string,
    signals: readonly Signal[],
    eventId: string,
    receipt: DeliveryReceipt = {},
  ): Promise<SignalMergeResult> {
    const { item, result, attempts } = await updateVersionedItem(
      this.#location,
      vehicleId,
      VEHICLE_RECORD_KIND.SIGNALS,
      ATTRIBUTE,
      (current: Record<string, StoredSignal> | undefined) => {
        const now = this.#location.now();
        const merged = mergeSignals(current ?? {}, signals, eventId, {
          incoming: latestBelievedTime(receipt.receivedAt, now, this.#futureToleranceMs),
          stored: now + this.#futureToleranceMs,
        });
        return { next: merged.signals, changed: merged.changed, result: merged };
      },
    );
    const { applied, stale, unchanged, skipped, future } = result;
    const snapshot: VehicleSnapshot = {
      vehicleId,
      signals: item.payload,
      signal: storedSignalLookup(item.payload),
      version: item.version,
      updatedAt: item.updatedAt,
    };
    return { applied, stale, unchanged, skipped, future, snapshot, attempts };
  }
}
