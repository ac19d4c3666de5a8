import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { createProcessorDynamoClient } from '../../lambda/processor/clients.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import type { EventHandlers } from '../../lambda/processor/types.ts';
import { localDynamoConnection } from '../../local/dynamo.ts';
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

/**
 * The two ways issue #20 found the hand-written ledger running a handler again, replayed end to
 * end through the processor against dynalite behind a loopback proxy that holds answers back.
 * Each fails on the ledger; Powertools Idempotency (one conditional write takes a record over,
 * and each record's completion is stored when its handler returns) passes both.
 */

const emulator = useDynamo();
const faults = useFaultProxies();

useQuietStdout();

/** Resolves when `until` first returns true, checked on every call `watch` sees. */
function callWatcher(): { watch(call: DynamoCall): void; when(until: () => boolean): Promise<void> } {
  const waiters: Array<{ until: () => boolean; resolve: () => void }> = [];
  return {
    watch: () => {
      for (const waiter of [...waiters]) {
        if (!waiter.until()) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    when: (until) => (until() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ until, resolve }))),
  };
}

describe('issue #20: a handler never runs again after its completion was stored', () => {
  it('a copy whose idempotency read is slow across the first invocation deadline does not run the handler again', async () => {
    // Prepare: every GetItem on the idempotency table reaches dynalite at once and is answered
    // 700 ms late. The first invocation has 1 s; its handler finishes once the copy has made its
    // second idempotency read (or given up), well before that deadline.
    const names = await emulator.tables();
    const watcher = callWatcher();
    let idempotencyReads = 0;
    const proxy = faults.keep(
      await startDynamoFaultProxy(emulator.dynamo().endpoint, {
        matches: (call) => {
          const slow = call.operation === 'GetItem' && call.input.TableName === names.idempotencyTableName;
          if (slow) idempotencyReads++;
          watcher.watch(call);
          return slow;
        },
        calls: Number.POSITIVE_INFINITY,
        delayAnswerMs: 700,
      }),
    );
    const client = faults.keep(createProcessorDynamoClient(localDynamoConnection(proxy.endpoint)));
    const runs: string[] = [];
    let firstStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      firstStarted = resolve;
    });
    let finishFirst: () => void = () => undefined;
    const firstMayFinish = new Promise<void>((resolve) => {
      finishFirst = resolve;
    });
    const handler: EventHandlers['VEHICLE_STATE'] = async (event) => {
      runs.push(event.eventId);
      if (runs.length > 1) return;
      firstStarted();
      await firstMayFinish;
    };
    const deps = processorDeps(client, names, { handlers: { VEHICLE_STATE: handler } });
    const process = createProcessorHandler(deps);
    const payload = buildVehicleState({ vehicleId: 'veh-slow-read' });

    // Act: Smartcar's retry (a second SQS message) arrives while the first copy runs.
    const first = process(
      sqsEvent(sqsRecord(payload, { messageId: 'm-first' })),
      lambdaContextUntil(Date.now() + 1_000),
    );
    await started;
    const copy = process(sqsEvent(sqsRecord(payload, { messageId: 'm-copy' })), lambdaContext());
    await Promise.race([copy, watcher.when(() => idempotencyReads >= 2)]);
    finishFirst();
    const firstResult = await first;
    const copyResult = await copy;
    const copyRetry = copyResult.batchItemFailures.length
      ? await process(sqsEvent(sqsRecord(payload, { messageId: 'm-copy', receiveCount: 2 })), lambdaContext())
      : undefined;

    // Assess
    expect(firstResult.batchItemFailures).toEqual([]);
    expect(runs).toEqual([payload.eventId]);
    expect(copyRetry?.batchItemFailures ?? []).toEqual([]);
    expect(deps.outcomes.map((o) => `${o.messageId}:${o.outcome}`)).toEqual([
      'm-copy:failed',
      'm-first:processed',
      'm-copy:duplicate',
    ]);
  }, 15_000);

  it('a timeout on record 9 of 10 runs only record 9 again on the redelivery', async () => {
    // Prepare: ten events of ten vehicles (so they run side by side); in the first invocation
    // the 9th handler never returns, and Lambda ends the invocation at its deadline.
    const names = await emulator.tables();
    const client = faults.keep(createProcessorDynamoClient(localDynamoConnection(emulator.dynamo().endpoint)));
    const payloads = Array.from({ length: 10 }, (_, i) => buildVehicleState({ vehicleId: `veh-timeout-${i}` }));
    const stuck = payloads[8]?.eventId;
    let redelivered = false;
    const runs: { first: string[]; redelivery: string[] } = { first: [], redelivery: [] };
    const handler: EventHandlers['VEHICLE_STATE'] = async (event) => {
      (redelivered ? runs.redelivery : runs.first).push(event.eventId);
      if (!redelivered && event.eventId === stuck) await new Promise<never>(() => undefined);
    };
    const deps = processorDeps(client, names, { handlers: { VEHICLE_STATE: handler } });
    const process = createProcessorHandler(deps);
    const records = (receiveCount: number) =>
      payloads.map((payload, i) => sqsRecord(payload, { messageId: `m-${i}`, receiveCount }));
    const deadline = Date.now() + 2_000;

    // Act: the first invocation times out (its promise is abandoned, as Lambda abandons it); SQS
    // redelivers all ten after the visibility timeout.
    void process(sqsEvent(...records(1)), lambdaContextUntil(deadline));
    await vi.waitFor(() => expect(runs.first).toHaveLength(10), { timeout: 5_000 });
    // Lambda ends the invocation at its deadline; whatever it had stored by then stays stored.
    await sleep(Math.max(0, deadline - Date.now()) + 50);
    redelivered = true;
    const retry = await process(sqsEvent(...records(2)), lambdaContext());

    // Assess
    expect(retry.batchItemFailures).toEqual([]);
    expect(runs.redelivery).toEqual([stuck]);
    const outcomes = deps.outcomes.map((o) => o.outcome);
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(9 + 1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(9);
  }, 15_000);
});
