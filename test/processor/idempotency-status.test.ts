import { describe, expect, it } from 'vitest';
import {
  createIdempotencyStatusReader,
  createIdempotentRunner,
  type IdempotencyStatusReader,
  type IdempotentRunner,
} from '../../lambda/processor/idempotency.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { lambdaContext } from './helpers/factories.ts';

/** The status reader finds exactly the records the real runner writes in DynamoDB (dynalite). */
describe('createIdempotencyStatusReader', () => {
  const emulator = useDynamo();

  async function setup(): Promise<{ runOnce: IdempotentRunner; readStatus: IdempotencyStatusReader }> {
    const { idempotencyTableName: tableName } = await emulator.tables();
    const dynamodb = emulator.dynamo().client;
    return {
      runOnce: createIdempotentRunner({ dynamodb, tableName, ttlSeconds: 3_600 }),
      readStatus: createIdempotencyStatusReader({ dynamodb, tableName }),
    };
  }

  it('sees INPROGRESS while the task runs and COMPLETED after it', async () => {
    // Prepare
    const { runOnce, readStatus } = await setup();
    let during: string | undefined;

    // Act
    const before = await readStatus('evt-status-1');
    await runOnce(
      'evt-status-1',
      async () => {
        during = await readStatus('evt-status-1');
      },
      lambdaContext(),
    );
    const after = await readStatus('evt-status-1');

    // Assess
    expect([before, during, after]).toEqual([undefined, 'INPROGRESS', 'COMPLETED']);
  });

  it('finds no record when the task failed (the key is released for the retry) or for another eventId', async () => {
    // Prepare
    const { runOnce, readStatus } = await setup();
    await runOnce('evt-done', async () => undefined, lambdaContext());

    // Act
    const failed = await runOnce(
      'evt-failed',
      async () => {
        throw new Error('handler failed');
      },
      lambdaContext(),
    ).catch((error: Error) => error);
    const statuses = await Promise.all(['evt-failed', 'evt-other', 'evt-done'].map(readStatus));

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(statuses).toEqual([undefined, undefined, 'COMPLETED']);
  });

  it('rejects, rather than reporting "no record", when the table does not exist', async () => {
    // Prepare
    const readStatus = createIdempotencyStatusReader({
      dynamodb: emulator.dynamo().client,
      tableName: 'no-such-table',
    });

    // Act
    const error = await readStatus('evt-1').catch((e: Error) => e);

    // Assess
    expect((error as Error).name).toBe('ResourceNotFoundException');
  });
});
