import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createProcessorTables, startDynamo } from '../../local/dynamo.ts';

describe('local/dynamo', () => {
  it('binds loopback, creates the tables idempotently, and keeps them across stop/start', async () => {
    // Prepare
    const dynamo = await startDynamo();
    const names = { idempotencyTableName: 'idem', vehicleStateTableName: 'state' };

    try {
      // Act
      await createProcessorTables(dynamo.client, names);
      await createProcessorTables(dynamo.client, names);
      await dynamo.stop();
      const whileStopped = await dynamo.client.send(new ListTablesCommand({})).catch((error: Error) => error);
      await dynamo.start();
      const afterRestart = await dynamo.client.send(new ListTablesCommand({}));

      // Assess
      expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(whileStopped).toBeInstanceOf(Error);
      expect(dynamo.running).toBe(true);
      expect(afterRestart.TableNames?.sort()).toEqual(['idem', 'state']);
    } finally {
      await dynamo.close();
    }
  });
});
