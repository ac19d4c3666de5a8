import { setTimeout as sleep } from 'node:timers/promises';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { MESSAGE_ATTRIBUTE, PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import {
  createIdempotency,
  createIdempotencyStatusReader,
  type IdempotencyStatusReader,
  isInFlightElsewhere,
} from '../../lambda/processor/idempotency.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import { createLocalDynamoClient } from '../../local/dynamo.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { type DynamoCall, startDynamoFaultProxy, useFaultProxies } from './helpers/dynamo-fault-proxy.ts';
import {
  lambdaContext,
  lambdaContextUntil,
  processorDeps,
  sqsEvent,
  sqsRecord,
  useQuietStdout,
} from './helpers/factories.ts';
import { powertoolsKey } from './helpers/idempotency-key.ts';

/** The processor's Powertools Idempotency against DynamoDB (dynalite), through a loopback proxy that sees every call. */
describe('idempotency (Powertools, per record)', () => {
  const emulator = useDynamo();
  const faults = useFaultProxies();

  useQuietStdout();

  /** Fresh tables, a client behind the proxy, the calls it makes, and calls to fail (the first N matching). */
  async function setup(fail?: { matches: (call: DynamoCall) => boolean; calls?: number; loseFirstAnswer?: boolean }) {
    const names = await emulator.tables();
    const calls: DynamoCall[] = [];
    const proxy = faults.keep(
      await startDynamoFaultProxy(emulator.dynamo().endpoint, {
        matches: (call) => {
          calls.push(call);
          return fail?.matches(call) ?? false;
        },
        calls: fail?.calls ?? 1,
        loseFirstAnswer: fail?.loseFirstAnswer ?? false,
      }),
    );
    const client = faults.keep(createLocalDynamoClient(proxy.endpoint));
    const tableName = names.idempotencyTableName;
    const idempotency = createIdempotency({ dynamodb: client, tableName, ttlSeconds: 3_600 });
    const readStatus: IdempotencyStatusReader = createIdempotencyStatusReader({
      dynamodb: emulator.dynamo().client,
      tableName,
    });
    return { idempotency, readStatus, calls, names, tableName };
  }

  const writes = (calls: DynamoCall[]): string[] =>
    calls
      .filter((c) => ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].includes(c.operation))
      .map((c) => c.operation);

  it('writes INPROGRESS then COMPLETED for each event (two writes), the completion as soon as its task returns', async () => {
    // Prepare
    const { idempotency, readStatus, calls } = await setup();
    const runOnce = idempotency.begin(lambdaContext());
    let during: string | undefined;

    // Act
    const result = await runOnce('evt-1', async () => {
      during = await readStatus('evt-1');
    });
    const after = await readStatus('evt-1');

    // Assess
    expect(result).toEqual({ ran: true });
    expect([during, after]).toEqual(['INPROGRESS', 'COMPLETED']);
    expect(writes(calls)).toEqual(['PutItem', 'UpdateItem']);
  });

  it('skips a completed key in a later invocation with one refused write, and never runs the task', async () => {
    // Prepare
    const { idempotency, calls } = await setup();
    await idempotency.begin(lambdaContext())('evt-dup', async () => undefined);
    calls.length = 0;
    let ran = false;

    // Act
    const result = await idempotency.begin(lambdaContext())('evt-dup', async () => {
      ran = true;
    });

    // Assess: DynamoDB returns the record with the refusal; dynalite does not, so Powertools reads it.
    expect(result).toEqual({ ran: false });
    expect(ran).toBe(false);
    expect(calls.map((c) => c.operation)).toEqual(['PutItem', 'GetItem']);
  });

  it('fails a copy as in flight while another invocation holds the key before its deadline', async () => {
    // Prepare
    const { idempotency } = await setup();
    let release: () => void = () => undefined;
    const holding = idempotency.begin(lambdaContext(30_000))(
      'evt-held',
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    await sleep(50);

    // Act
    const copy = await idempotency
      .begin(lambdaContext())('evt-held', async () => undefined)
      .catch((error: Error) => error);
    release();
    await holding;

    // Assess
    expect(isInFlightElsewhere(copy)).toBe(true);
    expect(isInFlightElsewhere(new Error('other'))).toBe(false);
  });

  it('runs the task again for a record abandoned by a crash once its invocation deadline has passed', async () => {
    // Prepare: the first invocation marks the key INPROGRESS and dies in its task.
    const { idempotency, readStatus } = await setup();
    void idempotency.begin(lambdaContextUntil(Date.now() + 200))('evt-crash', () => new Promise<void>(() => undefined));
    await sleep(50);
    const early = await idempotency
      .begin(lambdaContext())('evt-crash', async () => undefined)
      .catch((error: Error) => error);
    await sleep(250);
    const runs: string[] = [];

    // Act
    const result = await idempotency.begin(lambdaContext())('evt-crash', async () => void runs.push('retry'));

    // Assess
    expect(isInFlightElsewhere(early)).toBe(true);
    expect(result).toEqual({ ran: true });
    expect(runs).toEqual(['retry']);
    expect(await readStatus('evt-crash')).toBe('COMPLETED');
  });

  it('still gives a record begun with no time left an in-progress expiry, so a crash there does not hold it for the TTL', async () => {
    // Prepare: Lambda reports 0 ms left (its deadline is now) and the invocation dies in the task.
    const { idempotency } = await setup();
    void idempotency.begin(lambdaContextUntil(Date.now()))('evt-no-time', () => new Promise<void>(() => undefined));
    await sleep(100);
    const runs: string[] = [];

    // Act
    const retry = await idempotency
      .begin(lambdaContext())('evt-no-time', async () => void runs.push('retry'))
      .catch((error: Error) => error);

    // Assess: Powertools writes no expiry for a remaining time of 0, which would hold it 19 days.
    expect(retry).toEqual({ ran: true });
    expect(runs).toEqual(['retry']);
  });

  it('releases the record of a task that throws at once, so the next copy runs', async () => {
    // Prepare
    const { idempotency, readStatus, calls } = await setup();

    // Act
    const failed = await idempotency
      .begin(lambdaContext(30_000))('evt-fails', async () => {
        throw new Error('handler failed');
      })
      .catch((error: Error) => error);
    const afterFailure = await readStatus('evt-fails');
    const next = await idempotency.begin(lambdaContext())('evt-fails', async () => undefined);

    // Assess
    expect((failed as Error).message).toBe('handler failed');
    expect(afterFailure).toBeUndefined();
    expect(writes(calls)).toEqual(['PutItem', 'DeleteItem', 'PutItem', 'UpdateItem']);
    expect(next).toEqual({ ran: true });
  });

  it('holds a key whose INPROGRESS write landed but lost its answer until the deadline, then runs it once', async () => {
    // Prepare: DynamoDB applies the first PutItem and answers 500; the SDK's retry is refused by it.
    const { idempotency } = await setup({ matches: (call) => call.operation === 'PutItem', loseFirstAnswer: true });
    const runs: string[] = [];

    // Act
    const first = await idempotency
      .begin(lambdaContextUntil(Date.now() + 300))('evt-lost', async () => void runs.push('first'))
      .catch((error: Error) => error);
    await sleep(350);
    const retry = await idempotency.begin(lambdaContext())('evt-lost', async () => void runs.push('retry'));

    // Assess
    expect(isInFlightElsewhere(first)).toBe(true);
    expect(retry).toEqual({ ran: true });
    expect(runs).toEqual(['retry']);
  });

  it('takes over a record past its TTL that DynamoDB has not deleted yet', async () => {
    // Prepare: a completed key whose record expired (TTL of 1 s, which Powertools rounds to the
    // nearest second: up to 1.5 s; then 1.6 s later).
    const { tableName, readStatus } = await setup();
    const dynamodb = emulator.dynamo().client;
    await createIdempotency({ dynamodb, tableName, ttlSeconds: 1 }).begin(lambdaContext())(
      'evt-expired',
      async () => undefined,
    );
    await sleep(1_600);

    // Act
    const before = await readStatus('evt-expired');
    const result = await createIdempotency({ dynamodb, tableName, ttlSeconds: 3_600 }).begin(lambdaContext())(
      'evt-expired',
      async () => undefined,
    );

    // Assess
    expect(before).toBe('EXPIRED');
    expect(result).toEqual({ ran: true });
  });

  it('keys on eventId (a replay run on eventId#replay#runId) and keeps a record for queue + DLQ retention (19 days)', async () => {
    // Prepare: the processor as deployed (default TTL), an event, a replayed copy of it, twice each.
    const { names, tableName } = await setup();
    const runs: string[] = [];
    const deps = processorDeps(emulator.dynamo().client, names, {
      handlers: { VEHICLE_STATE: async (event) => void runs.push(event.replay ? `replay:${event.replay.id}` : 'live') },
    });
    const process = createProcessorHandler(deps);
    const payload = buildVehicleState();
    const replayed = (messageId: string) => {
      const record = sqsRecord(payload, { messageId });
      record.messageAttributes = {
        [MESSAGE_ATTRIBUTE.REPLAY_ID]: {
          dataType: 'String',
          stringValue: 'run-1',
          stringListValues: [],
          binaryListValues: [],
        },
      };
      return record;
    };
    const startedAt = Math.floor(Date.now() / 1000);

    // Act
    for (const record of [sqsRecord(payload), replayed('r-1'), sqsRecord(payload), replayed('r-2')]) {
      await process(sqsEvent(record), lambdaContext());
    }
    const stored = await emulator
      .dynamo()
      .client.send(
        new GetItemCommand({ TableName: tableName, Key: { id: { S: powertoolsKey(String(payload.eventId)) } } }),
      );

    // Assess
    expect(runs).toEqual(['live', 'replay:run-1']);
    expect(deps.outcomes.map((o) => o.outcome)).toEqual(['processed', 'processed', 'duplicate', 'duplicate']);
    expect(PIPELINE_DEFAULTS.idempotencyTtlSeconds).toBe(19 * 24 * 60 * 60);
    const expiration = Number(stored.Item?.expiration?.N);
    expect(expiration - startedAt).toBeGreaterThanOrEqual(PIPELINE_DEFAULTS.idempotencyTtlSeconds);
    expect(expiration - startedAt).toBeLessThanOrEqual(PIPELINE_DEFAULTS.idempotencyTtlSeconds + 5);
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
