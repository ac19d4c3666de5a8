import { afterAll, beforeAll } from 'vitest';
import { createProcessorTables, type LocalDynamo, startDynamo } from '../../../local/dynamo.ts';
import { tableNames } from './factories.ts';

/**
 * Starts one dynalite for the test file (loopback, random port) and stops it afterwards.
 * Call `tables()` in a test for fresh, isolated tables.
 */
export function useDynamo(): { dynamo(): LocalDynamo; tables(): Promise<ReturnType<typeof tableNames>> } {
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startDynamo();
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  const get = (): LocalDynamo => {
    if (!dynamo) throw new Error('dynalite is not running');
    return dynamo;
  };
  return {
    dynamo: get,
    tables: async () => {
      const names = tableNames();
      await createProcessorTables(get().client, names);
      return names;
    },
  };
}
