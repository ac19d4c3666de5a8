import { describe, expect, it } from 'vitest';
import {
  dynamoItemSizeBytes,
  IDEMPOTENCY_COST,
  itemPerSignalCost,
  itemPerVehicleCost,
  sumCosts,
} from '../../bench/dynamo-design-cost.ts';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { parseEvent } from '../../lambda/processor/parse-event.ts';
import { mergeSignals } from '../../lambda/processor/store/freshness.ts';

/** The item the store writes for a typical 12-signal VEHICLE_STATE, and one per-signal item of the alternative. */
function typicalItems(signalCount: number): {
  vehicleItem: Record<string, unknown>;
  signalItem: Record<string, unknown>;
} {
  const parsed = parseEvent(JSON.stringify(buildVehicleState({ vehicleId: crypto.randomUUID(), signalCount })));
  if (parsed.kind !== 'event' || parsed.event.eventType !== 'VEHICLE_STATE') throw new Error('factory broke');
  const { signals } = mergeSignals({}, parsed.event.signals, parsed.event.eventId);
  const vehicleItem = {
    vehicleId: parsed.event.vehicleId,
    kind: 'SIGNALS',
    signals,
    version: 42,
    updatedAt: Date.now(),
    expiresAt: Math.floor(Date.now() / 1000),
  };
  const [code, value] = Object.entries(signals)[0] ?? [];
  const signalItem = { vehicleId: parsed.event.vehicleId, code, ...value, expiresAt: Math.floor(Date.now() / 1000) };
  return { vehicleItem, signalItem };
}

describe('cost model', () => {
  it('sizes items by DynamoDB rules', () => {
    // Act
    const size = dynamoItemSizeBytes({ vehicleId: 'veh-1', version: 3, tags: ['a'], on: true });

    // Assess: 9+5, 7+2, 4+(3+1+1), 2+1
    expect(size).toBe(14 + 9 + 9 + 3);
  });

  it('one item per vehicle costs fewer write units than one conditional write per signal for 12 signals', () => {
    // Prepare
    const { vehicleItem, signalItem } = typicalItems(12);

    // Act
    const perVehicle = itemPerVehicleCost(dynamoItemSizeBytes(vehicleItem));
    const perSignal = itemPerSignalCost(12, dynamoItemSizeBytes(signalItem));

    // Assess
    expect(perVehicle.writes).toBe(1);
    expect(perSignal.writes).toBe(12);
    expect(perVehicle.writeUnits).toBeLessThan(perSignal.writeUnits);
    expect(sumCosts(IDEMPOTENCY_COST.firstDelivery, perVehicle)).toEqual({
      reads: 1,
      readUnits: perVehicle.readUnits,
      writes: 3,
      writeUnits: 2 + perVehicle.writeUnits,
    });
  });
});
