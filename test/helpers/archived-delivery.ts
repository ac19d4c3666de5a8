import type { ArchivedDelivery } from '../../lambda/core/archive-record.ts';

/**
 * Factory: the archive record of a built Smartcar payload (`buildVehicleState()`...), as the
 * processor archives it when the receiver accepted it at `receivedAt`.
 *
 * @example
 * ```ts
 * const record = archivedDelivery(buildVehicleState({ vehicleId: 'veh-1' }), Date.parse('2026-12-01T09:01Z'));
 * serializeArchiveLine(record);
 * ```
 */
export function archivedDelivery(payload: Record<string, unknown>, receivedAt: number): ArchivedDelivery {
  const meta = payload.meta as { deliveryId?: string } | undefined;
  return {
    eventId: String(payload.eventId),
    eventType: String(payload.eventType),
    ...(meta?.deliveryId ? { deliveryId: meta.deliveryId } : {}),
    route: 'data',
    receivedAt,
    body: JSON.stringify(payload),
  };
}
