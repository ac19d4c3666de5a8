/**
 * Why the vehicle-state store keeps one item per vehicle: the DynamoDB cost per event of that
 * design against one conditional write per signal, by AWS's published rules. On-demand billing:
 * a write unit per started KB written (a failed conditional write is billed too), a strongly
 * consistent read unit per started 4 KB read. The units the bench prices are measured on the
 * emulator instead (`dynamo-meter.ts`); this is the arithmetic behind the design choice.
 */

/** DynamoDB requests and capacity units spent on one event. */
export interface DynamoCost {
  reads: number;
  readUnits: number;
  writes: number;
  writeUnits: number;
}

const WRITE_UNIT_BYTES = 1024;
const READ_UNIT_BYTES = 4096;

/**
 * Approximate stored size of a DynamoDB item, by AWS's published rules: attribute names count,
 * strings count their UTF-8 bytes, numbers about one byte per two significant digits plus one,
 * maps and lists 3 bytes plus one per element.
 *
 * @example
 * ```ts
 * dynamoItemSizeBytes({ vehicleId: 'veh-1', version: 3 }); // 9 + 5 + 7 + 2 = 23
 * ```
 */
export function dynamoItemSizeBytes(item: Readonly<Record<string, unknown>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) size += Buffer.byteLength(name) + valueSize(value);
  }
  return size;
}

function valueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/[.-]|e.*$/g, '')
      .replace(/^0+/, '').length;
    return Math.ceil(Math.max(digits, 1) / 2) + 1;
  }
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, element) => sum + valueSize(element) + 1, 0);
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value).reduce((sum, [key, element]) => sum + Buffer.byteLength(key) + valueSize(element) + 1, 0)
    );
  }
  return 0;
}

/**
 * The design the store uses: one item per vehicle, one consistent read and one conditional write
 * per event (more only when a concurrent writer wins a race), whatever the signal count.
 *
 * @example
 * ```ts
 * itemPerVehicleCost(2600); // { reads: 1, readUnits: 1, writes: 1, writeUnits: 3 }
 * ```
 */
export function itemPerVehicleCost(itemBytes: number): DynamoCost {
  return {
    reads: 1,
    readUnits: Math.ceil(itemBytes / READ_UNIT_BYTES),
    writes: 1,
    writeUnits: Math.ceil(itemBytes / WRITE_UNIT_BYTES),
  };
}

/**
 * The rejected alternative: one conditional write per signal (`oemUpdatedAt < :new`), no read.
 *
 * @example
 * ```ts
 * itemPerSignalCost(12, 300); // { reads: 0, readUnits: 0, writes: 12, writeUnits: 12 }
 * ```
 */
export function itemPerSignalCost(signalCount: number, signalItemBytes: number): DynamoCost {
  return {
    reads: 0,
    readUnits: 0,
    writes: signalCount,
    writeUnits: signalCount * Math.ceil(signalItemBytes / WRITE_UNIT_BYTES),
  };
}

/**
/**
 * Powertools Idempotency per event: first time, a conditional PutItem (INPROGRESS) and an
 * UpdateItem (COMPLETED); a duplicate, one refused conditional PutItem (billed; DynamoDB returns
 * the existing record with the refusal, so no read; dynalite locally adds one GetItem).
 *
 * @example
 * ```ts
 * IDEMPOTENCY_COST.firstDelivery.writeUnits; // 2
 * ```
 */
export const IDEMPOTENCY_COST: Readonly<{ firstDelivery: DynamoCost; duplicate: DynamoCost }> = {
  firstDelivery: { reads: 0, readUnits: 0, writes: 2, writeUnits: 2 },
  duplicate: { reads: 0, readUnits: 0, writes: 1, writeUnits: 1 },
};

/**
 * Adds costs, e.g. idempotency plus the state store for one VEHICLE_STATE.
 *
 * @example
 * ```ts
 * sumCosts(IDEMPOTENCY_COST.firstDelivery, itemPerVehicleCost(2600)); // 1 read, 3 writes, 5 write units
 * ```
 */
export function sumCosts(...costs: readonly DynamoCost[]): DynamoCost {
  return costs.reduce(
    (total, cost) => ({
      reads: total.reads + cost.reads,
      readUnits: total.readUnits + cost.readUnits,
      writes: total.writes + cost.writes,
      writeUnits: total.writeUnits + cost.writeUnits,
    }),
    { reads: 0, readUnits: 0, writes: 0, writeUnits: 0 },
  );
}
