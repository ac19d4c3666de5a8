import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import type { EventHandlers, VehicleStateEvent } from '../../lambda/processor/types.ts';
import { createLocalDynamoClient } from '../../local/dynamo.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { type DynamoFaultProxy, startDynamoFaultProxy } from './helpers/dynamo-fault-proxy.ts';
import { captureStdout, lambdaContext, processorDeps, sqsEvent, sqsRecord } from './helpers/factories.ts';

// What a retry of one eventId does, on a real dynalite: the handler's action survives a failure
// after the merge, and the handler can run a second time (at-least-once, not exactly once).

const emulator = useDynamo();
const STATE_OF_CHARGE = 'tractionbattery-stateofcharge';
let proxy: DynamoFaultProxy | undefined;

beforeEach(() => {
  captureStdout();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await proxy?.close();
  proxy = undefined;
});

/** 2026-01-01T00:00:00Z: signal times are ms after it (real epoch ms, as Smartcar stamps them). */
const T0 = Date.UTC(2026, 0, 1);

/** A VEHICLE_STATE event for `vehicleId` whose signals were recorded `msAfterT0` after {@link T0}. */
function stateEvent(vehicleId: string, stateOfCharge: number, msAfterT0: number): Record<string, unknown> {
  return buildVehicleState({ vehicleId, stateOfCharge, oemUpdatedAt: T0 + msAfterT0, signalCount: 3 });
}

describe("a retry keeps the handler's action", () => {
  it('reports the same applied signals on the retry of a handler that threw after the merge, so the action runs; an older event applies nothing', async () => {
    // Prepare: the example handler's pattern (merge, then act on what was applied), with an
    // action that fails once.
    const names = await emulator.tables();
    const appliedSeen: Array<{ eventId: string; applied: string[] }> = [];
    const actions: string[] = [];
    let actionFailures = 1;
    const handler: EventHandlers['VEHICLE_STATE'] = async (event: VehicleStateEvent, { vehicleState }) => {
      const { applied } = await vehicleState.mergeSignals(event.vehicleId, event.signals, event.eventId);
      appliedSeen.push({ eventId: event.eventId, applied: [...applied].sort() });
      if (!applied.includes(STATE_OF_CHARGE)) return;
      if (actionFailures-- > 0) throw new Error('notification service unavailable');
      actions.push(event.eventId);
    };
    const deps = processorDeps(emulator.dynamo().client, names, { handlers: { VEHICLE_STATE: handler } });
    const process = createProcessorHandler(deps);
    const newer = stateEvent('veh-retry', 15, 2_000);
    const older = stateEvent('veh-retry', 90, 1_000);

    // Act
    const firstTry = await process(sqsEvent(sqsRecord(newer, { messageId: 'm-newer' })), lambdaContext());
    const retry = await process(sqsEvent(sqsRecord(newer, { messageId: 'm-newer', receiveCount: 2 })), lambdaContext());
    const late = await process(sqsEvent(sqsRecord(older, { messageId: 'm-older' })), lambdaContext());

    // Assess
    expect(firstTry.batchItemFailures).toEqual([{ itemIdentifier: 'm-newer' }]);
    expect(retry.batchItemFailures).toEqual([]);
    expect(late.batchItemFailures).toEqual([]);
    const [first, second, third] = appliedSeen;
    expect(first?.applied).toHaveLength(3);
    expect(second).toEqual(first);
    expect(third).toEqual({ eventId: older.eventId, applied: [] });
    expect(actions).toEqual([newer.eventId]);
    expect(deps.outcomes.map((o) => `${o.messageId}:${o.outcome}`)).toEqual([
      'm-newer:failed',
      'm-newer:processed',
      'm-older:processed',
    ]);
  });
});

describe('at-least-once: when a handler can run twice for one eventId', () => {
  it('runs the handler again on the next receive when the write that marks the event COMPLETED fails', async () => {
    // Prepare: dynalite behind a proxy that fails the one idempotency UpdateItem setting
    // COMPLETED, every SDK attempt of it (as a lasting throttle would), once.
    const names = await emulator.tables();
    proxy = await startDynamoFaultProxy(emulator.dynamo().endpoint, {
      matches: ({ operation, input }) =>
        operation === 'UpdateItem' &&
        input.TableName === names.idempotencyTableName &&
        JSON.stringify(input).includes('"COMPLETED"'),
    });
    const dynamodb = createLocalDynamoClient(proxy.endpoint);
    const runs: string[] = [];
    const deps = processorDeps(dynamodb, names, {
      handlers: {
        VEHICLE_STATE: async (event) => {
          runs.push(event.eventId);
        },
      },
    });
    const process = createProcessorHandler(deps);
    const payload = stateEvent('veh-twice', 50, 1_000);
    // The INPROGRESS record lasts as long as the invocation could still run (its remaining time);
    // in AWS the queue's visibility timeout (6x the function timeout) always outlasts it.
    const lockMs = 200;

    // Act
    const firstReceive = await process(sqsEvent(sqsRecord(payload, { messageId: 'm' })), lambdaContext(lockMs));
    await sleep(lockMs * 2);
    const secondReceive = await process(
      sqsEvent(sqsRecord(payload, { messageId: 'm', receiveCount: 2 })),
      lambdaContext(),
    );
    const smartcarRetry = await process(sqsEvent(sqsRecord(payload, { messageId: 'm-retry' })), lambdaContext());

    // Assess
    // Every SDK retry of that one call failed too, so the error reached Powertools.
    expect(proxy.failedAttempts()).toBeGreaterThan(1);
    expect(firstReceive.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
    expect(secondReceive.batchItemFailures).toEqual([]);
    expect(smartcarRetry.batchItemFailures).toEqual([]);
    expect(runs).toEqual([payload.eventId, payload.eventId]);
    expect(deps.outcomes.map((o) => `${o.messageId}:${o.outcome}`)).toEqual([
      'm:failed',
      'm:processed',
      'm-retry:duplicate',
    ]);
    dynamodb.destroy();
  });
});
