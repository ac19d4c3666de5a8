import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoUsage } from './types.ts';

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
const ITEM_COMMANDS = new Set(['GetItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/** DynamoDB usage per table, as measured on the wire. */
export interface DynamoMeter {
  usage(tableName: string): DynamoUsage;
  reset(): void;
}

/**
 * Counts every DynamoDB request `client` makes, by table, and asks the emulator for the capacity
 * each one consumed (dynalite applies DynamoDB's item-size rules). A conditional write that fails
 * is billed by DynamoDB but reports no capacity: it is counted as one unit.
 *
 * @example
 * ```ts
 * const meter = meterDynamo(dynamo.client);
 * await handler(batch, context);
 * meter.usage('idempotency').writes;
 * ```
 */
export function meterDynamo(client: DynamoDBClient): DynamoMeter {
  let tables = new Map<string, DynamoUsage>();
  const entry = (table: string): DynamoUsage => {
    let usage = tables.get(table);
    if (!usage) {
      usage = { reads: 0, read_units: 0, writes: 0, write_units: 0 };
      tables.set(table, usage);
    }
    return usage;
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const input = args.input as { TableName?: string; ReturnConsumedCapacity?: string };
      if (ITEM_COMMANDS.has(command)) input.ReturnConsumedCapacity = 'TOTAL';
      const usage = entry(input.TableName ?? 'unknown');
      const isRead = READS.has(command);
      if (isRead) usage.reads += 1;
      if (WRITES.has(command)) usage.writes += 1;
      try {
        const result = await next(args);
        const units =
          (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity?.CapacityUnits ?? 0;
        if (isRead) usage.read_units += units;
        else usage.write_units += units;
        return result;
      } catch (error) {
        if (WRITES.has(command)) usage.write_units += 1;
        throw error;
      }
    },
    { step: 'initialize', name: 'benchDynamoMeter' },
  );
  return {
    usage: (table) => ({ ...entry(table) }),
    reset() {
      tables = new Map();
    },
  };
}

/**
 * `usage` divided by `events`.
 *
 * @example
 * ```ts
 * perEvent(meter.usage('idem'), 100); // { reads: 0, read_units: 0, writes: 2, write_units: 2 }
 * ```
 */
export function perEvent(usage: DynamoUsage, events: number): DynamoUsage {
  return {
    reads: usage.reads / events,
    read_units: usage.read_units / events,
    writes: usage.writes / events,
    write_units: usage.write_units / events,
  };
}
