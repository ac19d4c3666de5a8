import { PIPELINE_DEFAULTS, SMARTCAR_DELIVERY, VEHICLE_RECORD_KIND } from '../../core/constants.ts';
import type {
  DeliveryReceipt,
  StoredVehicleError,
  VehicleError,
  VehicleErrorSnapshot,
  VehicleErrorStore,
} from '../types.ts';
import { mergeErrorReport } from './error-order.ts';
import { latestBelievedTime } from './freshness.ts';
import type { VehicleStoreOptions } from './vehicle-state-store.ts';
import { readVersionedItem, updateVersionedItem, type VersionedItemLocation } from './versioned-item.ts';

const ATTRIBUTE = 'errors';
const RETRY_SPAN_MS = SMARTCAR_DELIVERY.retrySpanSeconds * 1000;

/**
 * The key of one error kind of a vehicle: an ERROR and its later RESOLVED share it.
 *
 * @example
 * ```ts
 * vehicleErrorKey({ type: 'PERMISSION', code: null }); // 'PERMISSION#null'
 * ```
 */
export function vehicleErrorKey(error: Pick<VehicleError, 'type' | 'code'>): string {
  return `${error.type}#${error.code ?? 'null'}`;
}

/**
 * Error and RESOLVED states per vehicle, in one DynamoDB item per vehicle (`kind` ERRORS).
 *
 * An error carries no timestamp of its own, so reports are ordered by `meta.deliveredAt`. That is
 * refreshed on every Smartcar retry, so a late retry of an ERROR can look newer than the RESOLVED
 * that followed it. Such reports are never more than Smartcar's retry span apart
 * (`SMARTCAR_DELIVERY.retrySpanSeconds`): two reports of different states that close together
 * are both kept, the later-delivered one as the state and the other as `contested`, so the
 * handler knows the order is unknown (see `error-order.ts`). A `reportedAt` later than the
 * delivery's receipt plus `futureToleranceSeconds` is clamped to that, as signal times are: one
 * report stamped years ahead would otherwise outrank every later report of that error for good.
 *
 * @example
 * ```ts
 * const store = new DynamoVehicleErrorStore({ client, tableName: 'vehicle-state', ttlSeconds: 0 });
 * await store.record('veh-1', event.errors, event.eventId, event.meta.deliveredAt ?? Date.now());
 * ```
 */
export class DynamoVehicleErrorStore implements VehicleErrorStore {
  readonly #location: VersionedItemLocation;
  readonly #futureToleranceMs: number;

  public constructor(options: VehicleStoreOptions) {
    this.#location = { ...options, now: options.now ?? Date.now };
    this.#futureToleranceMs = (options.futureToleranceSeconds ?? PIPELINE_DEFAULTS.futureToleranceSeconds) * 1000;
  }

  public async get(vehicleId: string): Promise<VehicleErrorSnapshot | undefined> {
    const item = await readVersionedItem<Record<string, StoredVehicleError>>(
      this.#location,
      vehicleId,
      VEHICLE_RECORD_KIND.ERRORS,
      ATTRIBUTE,
    );
    return item && { vehicleId, errors: item.payload, version: item.version, updatedAt: item.updatedAt };
  }

  public async record(
    vehicleId: string,
    errors: readonly VehicleError[],
    eventId: string,
    reportedAt: number,
    receipt: DeliveryReceipt = {},
  ): Promise<VehicleErrorSnapshot> {
    const latest = latestBelievedTime(receipt.receivedAt, this.#location.now(), this.#futureToleranceMs);
    const orderedAt = Math.min(reportedAt, latest);
    const { item } = await updateVersionedItem(
      this.#location,
      vehicleId,
      VEHICLE_RECORD_KIND.ERRORS,
      ATTRIBUTE,
      (current: Record<string, StoredVehicleError> | undefined) => {
        const next: Record<string, StoredVehicleError> = { ...current };
        let changed = false;
        for (const error of errors) {
          const key = vehicleErrorKey(error);
          const stored = next[key];
          const merged = mergeErrorReport(stored, toStored(error, eventId, orderedAt), RETRY_SPAN_MS);
          if (merged === stored) continue;
          next[key] = merged;
          changed = true;
        }
        return { next, changed, result: undefined };
      },
    );
    return { vehicleId, errors: item.payload, version: item.version, updatedAt: item.updatedAt };
  }
}

function toStored(error: VehicleError, eventId: string, reportedAt: number): StoredVehicleError {
  const stored: StoredVehicleError = {
    type: error.type,
    code: error.code,
    state: error.state,
    resolutionType: error.resolutionType,
    reportedAt,
    eventId,
  };
  if (error.description !== undefined) stored.description = error.description;
  if (error.suggestedUserMessage !== undefined) stored.suggestedUserMessage = error.suggestedUserMessage;
  return stored;
}
