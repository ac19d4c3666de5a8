import { SMARTCAR_DELIVERY, VEHICLE_RECORD_KIND } from '../../core/constants.ts';
import type { StoredVehicleError, VehicleError, VehicleErrorSnapshot, VehicleErrorStore } from '../types/index.ts';
import { mergeErrorReport } from './error-order.ts';
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
 * handler knows the order is unknown (see `error-order.ts`).
 *
 * @example
 * ```ts
 * const store = new DynamoVehicleErrorStore({ client, tableName: 'vehicle-state', ttlSeconds: 0 });
 * await store.record('veh-1', event.errors, event.eventId, event.meta.deliveredAt ?? Date.now());
 * ```
 */
export class DynamoVehicleErrorStore implements VehicleErrorStore {
  readonly #location: VersionedItemLocation;

  public constructor(options: VehicleStoreOptions) {
    this.#location = { ...options, now: options.now ?? Date.now };
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
  ): Promise<VehicleErrorSnapshot> {
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
          const merged = mergeErrorReport(stored, toStored(error, eventId, reportedAt), RETRY_SPAN_MS);
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
