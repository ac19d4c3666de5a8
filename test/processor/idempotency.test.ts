import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createIdempotency,
  createIdempotencyStatusReader,
  EventInFlightError,
  type IdempotencyStatusReader,
} from '../../lambda/processor/idempotency/index.ts';
import { createLocalDynamoClient } from '../../local/dynamo.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { type DynamoCall, type DynamoFaultProxy, startDynamoFaultProxy } from './helpers/dynamo-fault-proxy.ts';
import { lambdaContext } from './helpers/factories.ts';

/** The idempotency ledger against DynamoDB (dynalite), through a loopback proxy that sees every call. */
describe('idempotency ledger', () => {
  const emulator = useDynamo();
  let proxy: DynamoFaultProxy | undefined;
  let client: DynamoDBClient | undefined;

  afterEach(async () => {
    client?.destroy();
    await proxy?.close();
    proxy = undefined;
    client = undefined;
  });

  /** Fresh tables, a client behind the proxy, the calls it makes, and calls to fail (the first N matching). */
  async function setup(fail?: { matches: (call: DynamoCall) => boolean; calls?: number; loseFirstAnswer?: boolean }) {
    const { idempotencyTableName: tableName } = await emulator.tables();
    const calls: DynamoCall[] = [];
    proxy = await startDynamoFaultProxy(emulator.dynamo().endpoint, {
      matches: (call) => {
        calls.push(call);
        return fail?.matches(call) ?? false;
      },
      calls: fail?.calls ?? 1,
      loseFirstAnswer: fail?.loseFirstAnswer ?? false,
    });
    client = createLocalDynamoClient(proxy.endpoint);
    const idempotency = createIdempotency({ dynamodb: client, tableName, ttlSeconds: 3_600 });
    const readStatus: IdempotencyStatusReader = createIdempotencyStatusReader({
      dynamodb: emulator.dynamo().client,
      tableName,
    });
    return { idempotency, readStatus, calls, tableName };
  }

  /** True for the write of a commit item (its id, not a claim's `commit` attribute, names the batch). */
  const isCommitWrite = (call: DynamoCall): boolean =>
    call.operation === 'PutItem' &&
    String((call.input.Item as { id?: { S?: string } } | undefined)?.id?.S).startsWith('smartcar-batch#');

  const writes = (calls: DynamoCall[]): string[] =>
    calls
      .filter((c) => ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].includes(c.operation))
      .map((c) => c.operation);

  it('writes one claim per event and one commit for a batch of 10, then reports COMPLETED', async () => {
    // Prepare
    const { idempotency, readStatus, calls } = await setup();
    const ledger = idempotency.begin(lambdaContext());
    const keys = Array.from({ length: 10 }, (_, i) => `evt-batch-${i}`);

    // Act
    const results = await Promise.all(keys.map((key) => ledger.runOnce(key, async () => undefined, `m-${key}`)));
    const during = await readStatus(keys[0] as string);
    const settled = await ledger.settle();
    const statuses = await Promise.all(keys.map(readStatus));

    // Assess
    expect(results.every((r) => r.ran)).toBe(true);
    expect(during).toBe('INPROGRESS');
    expect(settled).toEqual({ uncommitted: [], unreleased: 0 });
    expect(writes(calls)).toEqual([...keys.map(() => 'PutItem'), 'PutItem']);
    expect(new Set(statuses)).toEqual(new Set(['COMPLETED']));
  });

  it('skips a completed key in a later batch with one refused write and two reads, and never runs the task', async () => {
    // Prepare
    const { idempotency, calls } = await setup();
    const first = idempotency.begin(lambdaContext(50));
    await first.runOnce('evt-dup', async () => undefined, 'm-1');
    await first.settle();
    await sleep(100);
    calls.length = 0;
    let ran = false;

    // Act
    const second = idempotency.begin(lambdaContext());
    const result = await second.runOnce(
      'evt-dup',
      async () => {
        ran = true;
      },
      'm-2',
    );
    await second.settle();

    // Assess
    expect(result).toEqual({ ran: false });
    expect(ran).toBe(false);
    expect(calls.map((c) => c.operation)).toEqual(['PutItem', 'GetItem', 'GetItem']);
  });

  it('skips a second copy in the same batch without calling DynamoDB', async () => {
    // Prepare
    const { idempotency, calls } = await setup();
    const ledger = idempotency.begin(lambdaContext());
    await ledger.runOnce('evt-twice', async () => undefined, 'm-1');
    const before = calls.length;

    // Act
    const again = await ledger.runOnce('evt-twice', async () => undefined, 'm-2');

    // Assess
    expect(again).toEqual({ ran: false });
    expect(calls.length).toBe(before);
  });

  it('runs the task when its claim write landed but its answer was lost (the SDK retry is refused by that claim)', async () => {
    // Prepare: the claim PutItem reaches the table, its answer is a 500, the SDK's retry finds the claim.
    const isClaimWrite = (call: DynamoCall): boolean =>
      call.operation === 'PutItem' &&
      String((call.input.Item as { id?: { S?: string } } | undefined)?.id?.S).startsWith('smartcar-event#');
    const { idempotency, readStatus } = await setup({ matches: isClaimWrite, loseFirstAnswer: true });
    const ledger = idempotency.begin(lambdaContext(30_000));
    const runs: string[] = [];

    // Act
    const result = await ledger
      .runOnce('evt-lost-answer', async () => void runs.push('run'), 'm-1')
      .catch((error: Error) => error);
    const settled = await ledger.settle();

    // Assess: its own claim is not another copy in flight.
    expect(proxy?.failedAttempts()).toBe(1);
    expect(result).toEqual({ ran: true });
    expect(runs).toEqual(['run']);
    expect(settled).toEqual({ uncommitted: [], unreleased: 0 });
    expect(await readStatus('evt-lost-answer')).toBe('COMPLETED');
  });

  it('fails a copy running at the same time as another copy of its key in one batch, and runs the task once', async () => {
    // Prepare
    const { idempotency } = await setup();
    const ledger = idempotency.begin(lambdaContext(30_000));
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const first = ledger.runOnce(
      'evt-same-batch',
      () => new Promise<void>((resolve) => (release = () => resolve(void runs.push('first')))),
      'm-1',
    );
    await sleep(50);

    // Act
    const second = await ledger
      .runOnce('evt-same-batch', async () => void runs.push('second'), 'm-2')
      .catch((error: Error) => error);
    release();

    // Assess
    expect(second).toBeInstanceOf(EventInFlightError);
    expect(await first).toEqual({ ran: true });
    expect(runs).toEqual(['first']);
  });

  it('fails a copy as in flight while another invocation holds the key within its lease', async () => {
    // Prepare
    const { idempotency } = await setup();
    const holder = idempotency.begin(lambdaContext(30_000));
    let release: () => void = () => undefined;
    const holding = holder.runOnce('evt-held', () => new Promise<void>((resolve) => (release = resolve)), 'm-1');
    await sleep(50);

    // Act
    const copy = await idempotency
      .begin(lambdaContext())
      .runOnce('evt-held', async () => undefined, 'm-2')
      .catch((error: Error) => error);
    release();
    await holding;

    // Assess
    expect(copy).toBeInstanceOf(EventInFlightError);
  });

  it('runs the task again for a claim abandoned by a crash (no settle) once its lease has passed', async () => {
    // Prepare: the first invocation claims and runs, then dies before it settles.
    const { idempotency, readStatus } = await setup();
    const crashed = idempotency.begin(lambdaContext(50));
    await crashed.runOnce('evt-crash', async () => undefined, 'm-1');
    await sleep(100);
    const runs: string[] = [];

    // Act
    const retry = idempotency.begin(lambdaContext());
    const result = await retry.runOnce('evt-crash', async () => void runs.push('retry'), 'm-1');
    await retry.settle();

    // Assess
    expect(result).toEqual({ ran: true });
    expect(runs).toEqual(['retry']);
    expect(await readStatus('evt-crash')).toBe('COMPLETED');
  });

  it('releases the claim of a failed task when the batch settles, so the next copy runs at once', async () => {
    // Prepare
    const { idempotency, readStatus } = await setup();
    const ledger = idempotency.begin(lambdaContext(30_000));

    // Act
    const failed = await ledger
      .runOnce(
        'evt-fails',
        async () => {
          throw new Error('handler failed');
        },
        'm-1',
      )
      .catch((error: Error) => error);
    const whileFailed = await readStatus('evt-fails');
    const settled = await ledger.settle();
    const next = await idempotency.begin(lambdaContext()).runOnce('evt-fails', async () => undefined, 'm-2');

    // Assess
    expect((failed as Error).message).toBe('handler failed');
    expect(whileFailed).toBe('INPROGRESS');
    expect(settled).toEqual({ uncommitted: [], unreleased: 0 });
    expect(next).toEqual({ ran: true });
  });

  it('reports the records of a commit that could not be written, and their next copy runs again', async () => {
    // Prepare: every SDK attempt of the one commit write fails (a lasting throttle).
    const { idempotency } = await setup({
      matches: isCommitWrite,
    });
    const ledger = idempotency.begin(lambdaContext(50));
    await ledger.runOnce('evt-uncommitted', async () => undefined, 'm-1');

    // Act
    const settled = await ledger.settle();
    await sleep(100);
    const next = await idempotency.begin(lambdaContext()).runOnce('evt-uncommitted', async () => undefined, 'm-1');

    // Assess
    expect(settled.uncommitted).toEqual(['m-1']);
    expect(settled.commitError).toMatch(/InternalServerError/);
    expect(next).toEqual({ ran: true });
  });

  it('splits the keys of a large batch over commit items of at most 1 KB', async () => {
    // Prepare
    const { idempotency, readStatus, calls } = await setup();
    const ledger = idempotency.begin(lambdaContext());
    const keys = Array.from({ length: 60 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

    // Act
    for (const key of keys) await ledger.runOnce(key, async () => undefined, key);
    await ledger.settle();
    const commits = calls.filter(isCommitWrite);
    const statuses = await Promise.all(keys.map(readStatus));

    // Assess: 60 UUIDs of 37 bytes each fill three items of <= 900 bytes of keys.
    expect(commits).toHaveLength(3);
    for (const commit of commits) expect(Buffer.byteLength(JSON.stringify(commit.input))).toBeLessThan(1_400);
    expect(new Set(statuses)).toEqual(new Set(['COMPLETED']));
  });

  it('claims afresh a record past its TTL that DynamoDB has not deleted yet', async () => {
    // Prepare: a completed key whose claim expired (ttl 0 makes it expire at once).
    const { idempotencyTableName: tableName } = await emulator.tables();
    const dynamodb = emulator.dynamo().client;
    const shortLived = createIdempotency({ dynamodb, tableName, ttlSeconds: 0, now: () => Date.now() - 5_000 });
    const old = shortLived.begin(lambdaContext(1));
    await old.runOnce('evt-expired', async () => undefined, 'm-1');
    await old.settle();
    const readStatus = createIdempotencyStatusReader({ dynamodb, tableName });

    // Act
    const before = await readStatus('evt-expired');
    const result = await createIdempotency({ dynamodb, tableName, ttlSeconds: 3_600 })
      .begin(lambdaContext())
      .runOnce('evt-expired', async () => undefined, 'm-2');

    // Assess
    expect(before).toBe('EXPIRED');
    expect(result).toEqual({ ran: true });
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
