import type { ArchivedDelivery } from '../../lambda/core/archive-record.ts';
import { vehicleIdOf } from '../../lambda/core/vehicle-id.ts';

/** Which archived deliveries a replay sends. */
export interface ReplayFilter {
  /** Epoch ms, inclusive: `receivedAt` at or after this. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  eventType?: string;
  vehicleId?: string;
  /** Only these eventIds (any of them). */
  eventIds?: readonly string[];
}

/**
 * Whether an archived delivery is in the window (by when the receiver accepted it) and passes
 * every filter given. The vehicle is read from the body the way the processor reads it.
 *
 * @example
 * ```ts
 * matchesReplay(delivery, { from: Date.parse('2026-12-01T08:00Z'), to: Date.parse('2026-12-01T12:00Z'), eventType: 'VEHICLE_STATE' });
 * ```
 */
export function matchesReplay(delivery: ArchivedDelivery, filter: ReplayFilter): boolean {
  if (delivery.receivedAt < filter.from || delivery.receivedAt >= filter.to) return false;
  if (filter.eventType && delivery.eventType !== filter.eventType) return false;
  if (filter.eventIds?.length && !(delivery.eventId && filter.eventIds.includes(delivery.eventId))) return false;
  if (filter.vehicleId) {
    let body: unknown;
    try {
      body = JSON.parse(delivery.body);
    } catch {
      return false;
    }
    if (typeof body !== 'object' || body === null || vehicleIdOf(body as Record<string, unknown>) !== filter.vehicleId)
      return false;
  }
  return true;
}
