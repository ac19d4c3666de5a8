import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleError, buildVehicleState, buildVerify } from '../../bin/cli/sample-events.ts';
import {
  EVENT_TYPE_DIMENSION,
  METRIC,
  PIPELINE_DEFAULTS,
  SERVICE,
  VEHICLE_RECORD_KIND,
} from '../../lambda/core/constants.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import type { EventHandlers, VehicleStateEvent } from '../../lambda/processor/types.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { captureStdout, lambdaContext, processorDeps, sqsEvent, sqsRecord } from './helpers/factories.ts';

const emulator = useDynamo();
/** 2026-01-01T00:00:00Z: a base for signal times, in the past of every clock the tests run on. */
const T0 = Date.UTC(2026, 0, 1);

beforeEach(() => {
  // Keeps set-up batches quiet; a test that asserts on output captures again from its Act step.
  captureStdout();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A processor on fresh tables, with a VEHICLE_STATE handler that counts runs before delegating to the default. */
async function setup(overrides: Parameters<typeof processorDeps>[2] = {}) {
  const names = await emulator.tables();
  const runs: string[] = [];
  const countingState: EventHandlers['VEHICLE_STATE'] = async (event, context) => {
    runs.push(event.eventId);
    const { defaultHandlers } = await import('../../lambda/processor/handlers/index.ts');
    await defaultHandlers.VEHICLE_STATE(event, context);
  };
  const deps = processorDeps(emulator.dynamo().client, names, {
    handlers: { VEHICLE_STATE: countingState },
    ...overrides,
  });
  const documents = DynamoDBDocumentClient.from(emulator.dynamo().client);
  const readState = async (vehicleId: string) =>
    (
      await documents.send(
        new GetCommand({
          TableName: names.vehicleStateTableName,
          Key: { vehicleId, kind: VEHICLE_RECORD_KIND.SIGNALS },
          ConsistentRead: true,
        }),
      )
    ).Item;
  return { deps, handler: createProcessorHandler(deps), runs, readState, outcomes: deps.outcomes, documents, names };
}

describe('processor: happy path and metrics', () => {
  it('stores a VEHICLE_STATE and publishes EventProcessed per type, DeliveryLag and a batch summary', async () => {
    // Prepare
    const now = 1_800_000_000_000;
    const { handler, readState, outcomes } = await setup({ now: () => now });
    const record = sqsRecord(buildVehicleState({ vehicleId: 'veh-a', stateOfCharge: 66, deliveredAt: now - 1_500 }));
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(record), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(outcomes).toEqual([
      expect.objectContaining({
        messageId: record.messageId,
        outcome: 'processed',
        eventType: 'VEHICLE_STATE',
        staleSignals: 0,
      }),
    ]);
    expect((await readState('veh-a'))?.signals['tractionbattery-stateofcharge'].body.value).toBe(66);
    const processedLine = output.metrics().find(({ values }) => METRIC.EVENT_PROCESSED in values);
    expect(processedLine?.dimensions).toEqual([['service', EVENT_TYPE_DIMENSION]]);
    expect(processedLine?.values).toMatchObject({
      service: SERVICE.PROCESSOR,
      eventType: 'VEHICLE_STATE',
      EventProcessed: 1,
    });
    expect(output.metricTotal(METRIC.DELIVERY_LAG)).toBe(1_500);
    const summaries = output.lines().filter((line) => line.message === 'Batch done');
    expect(summaries).toEqual([expect.objectContaining({ level: 'INFO', records: 1, processed: 1, failed: 0 })]);
  });

  it("names the batch's slowest handler run on the Batch done line (the saved query 'slowest handlers' reads it)", async () => {
    // Prepare: a VEHICLE_ERROR handler that takes 60 ms, beside a quick VEHICLE_STATE one
    const slow = buildVehicleError();
    const { handler } = await setup({
      handlers: {
        VEHICLE_STATE: async () => undefined,
        VEHICLE_ERROR: async () => {
          await new Promise((resolve) => setTimeout(resolve, 60));
        },
      },
    });
    const output = captureStdout();

    // Act
    await handler(sqsEvent(sqsRecord(buildVehicleState()), sqsRecord(slow)), lambdaContext());

    // Assess
    const [summary] = output.lines().filter((line) => line.message === 'Batch done');
    expect(summary).toMatchObject({ slowestHandlerEventType: 'VEHICLE_ERROR', slowestHandlerEventId: slow.eventId });
    expect(summary!.slowestHandlerMs).toBeGreaterThanOrEqual(55);
  });

  it('aggregates EventProcessed to one line per event type for a mixed batch', async () => {
    // Prepare
    const { handler } = await setup();
    const records = [sqsRecord(buildVehicleState()), sqsRecord(buildVehicleState()), sqsRecord(buildVehicleError())];
    const output = captureStdout();

    // Act
    await handler(sqsEvent(...records), lambdaContext());

    // Assess
    const processedLines = output.metrics().filter(({ values }) => METRIC.EVENT_PROCESSED in values);
    expect(processedLines.map(({ values }) => [values.eventType, values.EventProcessed])).toEqual(
      expect.arrayContaining([
        ['VEHICLE_STATE', 2],
        ['VEHICLE_ERROR', 1],
      ]),
    );
    expect(processedLines).toHaveLength(2);
  });

  it('records VEHICLE_ERROR states and logs the suggested message without personal data', async () => {
    // Prepare
    const { handler, deps } = await setup();
    const payload = buildVehicleError({ vehicleId: 'veh-e' });
    (payload.data as { vehicle: Record<string, unknown> }).vehicle.vin = '5YJ3E1EA7KF000042';
    const output = captureStdout();

    // Act
    await handler(sqsEvent(sqsRecord(payload)), lambdaContext());

    // Assess
    const documents = DynamoDBDocumentClient.from(emulator.dynamo().client);
    const { Item } = await documents.send(
      new GetCommand({
        TableName: deps.vehicleStateTableName,
        Key: { vehicleId: 'veh-e', kind: VEHICLE_RECORD_KIND.ERRORS },
      }),
    );
    expect(Item?.errors['VEHICLE_STATE#UNREACHABLE']).toMatchObject({ state: 'ERROR', resolutionType: 'RETRY_LATER' });
    expect(output.lines()).toContainEqual(
      expect.objectContaining({
        message: 'Vehicle error',
        suggestedUserMessage: expect.stringContaining('out of reach'),
      }),
    );
    expect(output.raw()).not.toContain('5YJ3E1EA7KF000042');
  });

  it('RESOLVED, then a late retry of the older ERROR: the example handler says the state is uncertain instead of reporting the error', async () => {
    // Prepare
    const { handler } = await setup();
    const resolvedAt = Date.now() - 60_000;
    const resolved = buildVehicleError({ vehicleId: 'veh-flip', state: 'RESOLVED', deliveredAt: resolvedAt });
    // Smartcar's last retry of an ERROR raised before the RESOLVED: a fresh deliveredAt, 50 s later.
    const lateRetry = buildVehicleError({ vehicleId: 'veh-flip', state: 'ERROR', deliveredAt: resolvedAt + 50_000 });
    await handler(sqsEvent(sqsRecord(resolved)), lambdaContext());
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(sqsRecord(lateRetry)), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const messages = output.lines().map((line) => line.message);
    expect(messages).toContain('Vehicle error state uncertain');
    expect(messages).not.toContain('Vehicle error');
    expect(output.lines()).toContainEqual(expect.objectContaining({ state: 'ERROR', contestedBy: 'RESOLVED' }));
  });

  it('orders an ERROR stamped in epoch seconds after a RESOLVED stamped in ms five minutes before it', async () => {
    // Prepare: Smartcar's payload reference stamps `deliveredAt` in seconds, other pages in ms.
    const { handler } = await setup();
    const resolvedAt = Date.now() - 360_000;
    const resolved = buildVehicleError({ vehicleId: 'veh-units', state: 'RESOLVED', deliveredAt: resolvedAt });
    const raisedAtSeconds = Math.floor((resolvedAt + 300_000) / 1000);
    const raised = buildVehicleError({ vehicleId: 'veh-units', state: 'ERROR', deliveredAt: raisedAtSeconds });
    await handler(sqsEvent(sqsRecord(resolved)), lambdaContext());
    const output = captureStdout();

    // Act
    await handler(sqsEvent(sqsRecord(raised)), lambdaContext());

    // Assess: 300 s apart, beyond Smartcar's retry span, so the ERROR is certainly the later one.
    expect(output.lines()).toContainEqual(expect.objectContaining({ message: 'Vehicle error', state: 'ERROR' }));
    expect(output.lines().map((line) => line.message)).not.toContain('Vehicle error state uncertain');
  });

  it('publishes DeliveryLag in ms whatever unit meta.deliveredAt is stamped in', async () => {
    // Prepare
    const now = 1_800_000_000_000;
    const { handler } = await setup({ now: () => now });
    const records = [
      sqsRecord(buildVehicleState({ deliveredAt: now / 1000 - 2 })),
      sqsRecord(buildVehicleState({ deliveredAt: (now - 3_000) * 1000 })),
      sqsRecord(buildVehicleState({ deliveredAt: new Date(now - 4_000).toISOString() })),
    ];
    const output = captureStdout();

    // Act
    await handler(sqsEvent(...records), lambdaContext());

    // Assess
    expect(output.metricTotal(METRIC.DELIVERY_LAG)).toBe(2_000 + 3_000 + 4_000);
  });

  it('never writes a VIN or location values to the logs, even at DEBUG', async () => {
    // Prepare
    const { deps } = await setup();
    const leaky: EventHandlers['VEHICLE_STATE'] = async (event, { logger }) => {
      // A careless user handler: logs every signal body.
      logger.info('all signals', { signals: event.signals, vin: '5YJ3E1EA7KF000099' });
    };
    const handler = createProcessorHandler({ ...deps, handlers: { VEHICLE_STATE: leaky } });
    const payload = buildVehicleState({ signalCount: 12 });
    const output = captureStdout();

    // Act
    await handler(sqsEvent(sqsRecord(payload)), lambdaContext());

    // Assess
    expect(output.raw()).toContain('all signals');
    expect(output.raw()).not.toContain('37.7749');
    expect(output.raw()).not.toContain('-122.4194');
    expect(output.raw()).not.toContain('5YJ3E1EA7KF000099');
  });

  it('routes TEST-mode events flagged, and the default handler keeps them out of the store', async () => {
    // Prepare
    const { handler, readState, runs } = await setup();
    const payload = buildVehicleState({ vehicleId: 'veh-test', mode: 'TEST' });

    // Act
    const response = await handler(sqsEvent(sqsRecord(payload)), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(runs).toEqual([payload.eventId]);
    expect(await readState('veh-test')).toBeUndefined();
  });

  it.each(['SIMULATED', 'simulated', 'test'])(
    'treats meta.mode %s like TEST: flagged, and the default handlers store neither its signals nor its errors',
    async (mode) => {
      // Prepare: Smartcar's documented non-live modes (Dashboard tests, Vehicle Simulator), any case.
      const { handler, readState, documents, names } = await setup();
      const state = buildVehicleState({ vehicleId: `veh-${mode}` });
      const error = buildVehicleError({ vehicleId: `veh-${mode}` });
      (state.meta as Record<string, unknown>).mode = mode;
      (error.meta as Record<string, unknown>).mode = mode;

      // Act
      const response = await handler(sqsEvent(sqsRecord(state), sqsRecord(error)), lambdaContext());

      // Assess
      expect(response.batchItemFailures).toEqual([]);
      expect(await readState(`veh-${mode}`)).toBeUndefined();
      const { Item } = await documents.send(
        new GetCommand({
          TableName: names.vehicleStateTableName,
          Key: { vehicleId: `veh-${mode}`, kind: VEHICLE_RECORD_KIND.ERRORS },
          ConsistentRead: true,
        }),
      );
      expect(Item).toBeUndefined();
    },
  );

  it.each(['LIVE', 'live', 'SANDBOX'])(
    'stores a delivery whose meta.mode is %s (live, or no documented non-live mode)',
    async (mode) => {
      // Prepare
      const { handler, readState } = await setup();
      const state = buildVehicleState({ vehicleId: `veh-live-${mode}` });
      (state.meta as Record<string, unknown>).mode = mode;

      // Act
      await handler(sqsEvent(sqsRecord(state)), lambdaContext());

      // Assess
      expect(await readState(`veh-live-${mode}`)).toBeDefined();
    },
  );

  it('passes the typed, flagged event to an injected handler', async () => {
    // Prepare
    const seen: VehicleStateEvent[] = [];
    const { handler } = await setup({
      handlers: {
        VEHICLE_STATE: async (event) => {
          seen.push(event);
        },
      },
    });

    // Act
    await handler(
      sqsEvent(sqsRecord(buildVehicleState({ mode: 'TEST', variant: 'captured', vehicleId: 'veh-x' }))),
      lambdaContext(),
    );

    // Assess
    expect(seen).toEqual([expect.objectContaining({ eventType: 'VEHICLE_STATE', isTest: true, vehicleId: 'veh-x' })]);
  });
});

describe('processor: idempotency on eventId', () => {
  it('runs the handler once for the same event twice in one batch', async () => {
    // Prepare
    const { handler, runs, outcomes } = await setup();
    const payload = buildVehicleState();
    const first = sqsRecord(payload);
    const retry = sqsRecord({ ...payload, meta: { ...(payload.meta as object), deliveryId: 'second-attempt' } });
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(first, retry), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(runs).toEqual([payload.eventId]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['duplicate', 'processed']);
    expect(output.metricTotal(METRIC.DUPLICATE_EVENT)).toBe(1);
  });

  it('runs the handler once for the same event across batches (a Smartcar retry is a new SQS message)', async () => {
    // Prepare
    const { handler, runs, outcomes } = await setup();
    const payload = buildVehicleState();
    await handler(sqsEvent(sqsRecord(payload)), lambdaContext());

    // Act
    const response = await handler(sqsEvent(sqsRecord(payload)), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(runs).toHaveLength(1);
    expect(outcomes.map((o) => o.outcome)).toEqual(['processed', 'duplicate']);
  });

  it('retries a throwing handler, then succeeds exactly once', async () => {
    // Prepare
    let calls = 0;
    const successes: string[] = [];
    const { handler, outcomes } = await setup({
      handlers: {
        VEHICLE_STATE: async (event) => {
          calls++;
          if (calls === 1) throw new Error('downstream unavailable');
          successes.push(event.eventId);
        },
      },
    });
    const payload = buildVehicleState();
    const record = sqsRecord(payload, { messageId: 'm-flaky' });
    const output = captureStdout();

    // Act
    const firstTry = await handler(sqsEvent(record, sqsRecord(buildVehicleError())), lambdaContext());
    const secondTry = await handler(
      sqsEvent(sqsRecord(payload, { messageId: 'm-flaky', receiveCount: 2 })),
      lambdaContext(),
    );
    const thirdTry = await handler(sqsEvent(sqsRecord(payload, { receiveCount: 1 })), lambdaContext());

    // Assess
    expect(firstTry.batchItemFailures).toEqual([{ itemIdentifier: 'm-flaky' }]);
    expect(secondTry.batchItemFailures).toEqual([]);
    expect(thirdTry.batchItemFailures).toEqual([]);
    expect(calls).toBe(2);
    expect(successes).toEqual([payload.eventId]);
    expect(outcomes.filter((o) => o.eventId === payload.eventId).map((o) => o.outcome)).toEqual([
      'failed',
      'processed',
      'duplicate',
    ]);
    expect(output.metricTotal(METRIC.HANDLER_FAILED)).toBe(1);
    expect(output.metricTotal(METRIC.FINAL_ATTEMPT_FAILED)).toBe(0);
  });

  it('runs the handler once when two copies are in flight at once; the late copy is retried, then a duplicate', async () => {
    // Prepare
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let calls = 0;
    const { handler, outcomes } = await setup({
      handlers: {
        VEHICLE_STATE: async () => {
          calls++;
          started();
          await gate;
        },
      },
      throwOnFullBatchFailure: false,
    });
    const payload = buildVehicleState();

    // Act
    const slow = handler(sqsEvent(sqsRecord(payload, { messageId: 'm-first' })), lambdaContext());
    await running;
    const concurrent = await handler(sqsEvent(sqsRecord(payload, { messageId: 'm-second' })), lambdaContext());
    release();
    const first = await slow;
    const redelivered = await handler(
      sqsEvent(sqsRecord(payload, { messageId: 'm-second', receiveCount: 2 })),
      lambdaContext(),
    );

    // Assess
    expect(calls).toBe(1);
    expect(first.batchItemFailures).toEqual([]);
    expect(concurrent.batchItemFailures).toEqual([{ itemIdentifier: 'm-second' }]);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(outcomes.map((o) => `${o.messageId}:${o.outcome}`)).toEqual([
      'm-second:failed',
      'm-first:processed',
      'm-second:duplicate',
    ]);
  });
});

describe('processor: freshness', () => {
  it("ends with the newest value whatever order one vehicle's events arrive in", async () => {
    // Prepare
    const { handler, readState } = await setup();
    const context = lambdaContext();

    await fc.assert(
      fc.asyncProperty(
        // Real epoch-ms times (a day's worth from 2026-01-01), as Smartcar stamps them.
        fc.uniqueArray(fc.integer({ min: T0, max: T0 + 86_400_000 }), { minLength: 2, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        async (times, withOem, oneBatch) => {
          const vehicleId = `veh-${crypto.randomUUID()}`;
          const events = times.map((time, i) =>
            buildVehicleState({ vehicleId, stateOfCharge: i, signalCount: 3, oemUpdatedAt: withOem ? time : null }),
          );
          if (!withOem) {
            events.forEach((event, i) => {
              for (const signal of (event.data as { signals: Array<{ meta: Record<string, number> }> }).signals) {
                signal.meta.retrievedAt = times[i] ?? 0;
              }
            });
          }
          const newest = times.indexOf(Math.max(...times));

          // Act
          if (oneBatch) {
            await handler(sqsEvent(...events.map((event) => sqsRecord(event))), context);
          } else {
            for (const event of events) await handler(sqsEvent(sqsRecord(event)), context);
          }

          // Assess
          const item = await readState(vehicleId);
          expect(item?.signals['tractionbattery-stateofcharge'].body.value).toBe(newest);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('counts stale signals in the outcome and the StaleSignal metric', async () => {
    // Prepare
    const { handler, readState, outcomes } = await setup();
    const newer = buildVehicleState({
      vehicleId: 'veh-s',
      stateOfCharge: 90,
      oemUpdatedAt: T0 + 2_000,
      signalCount: 4,
    });
    const older = buildVehicleState({
      vehicleId: 'veh-s',
      stateOfCharge: 10,
      oemUpdatedAt: T0 + 1_000,
      signalCount: 4,
    });
    await handler(sqsEvent(sqsRecord(newer)), lambdaContext());
    const output = captureStdout();

    // Act
    await handler(sqsEvent(sqsRecord(older)), lambdaContext());

    // Assess
    expect(outcomes[1]).toMatchObject({ outcome: 'processed', staleSignals: 4 });
    expect(output.metricTotal(METRIC.STALE_SIGNAL)).toBe(4);
    expect((await readState('veh-s'))?.signals['tractionbattery-stateofcharge'].body.value).toBe(90);
  });
});

describe('processor: future timestamps', () => {
  it('orders a value stamped 10 years ahead at its receipt plus the tolerance, and counts FutureSignal', async () => {
    // Prepare: the receiver stamped the receipt (`receivedAt`); the processor runs a minute later.
    const receivedAt = Date.now() - 60_000;
    const { handler, readState, outcomes } = await setup();
    const ahead = receivedAt + 10 * 365 * 86_400_000;
    const state = buildVehicleState({ vehicleId: 'veh-future', oemUpdatedAt: ahead, signalCount: 3 });
    const error = buildVehicleError({ vehicleId: 'veh-future', deliveredAt: ahead });
    const output = captureStdout();

    // Act
    await handler(sqsEvent(sqsRecord(state, { receivedAt }), sqsRecord(error, { receivedAt })), lambdaContext());

    // Assess
    const limit = receivedAt + PIPELINE_DEFAULTS.futureToleranceSeconds * 1000;
    expect((await readState('veh-future'))?.signals['tractionbattery-stateofcharge']).toMatchObject({
      orderedAt: limit,
      oemUpdatedAt: ahead,
    });
    expect(outcomes.map((outcome) => outcome.futureSignals)).toEqual([3, 1]);
    expect(output.metricTotal(METRIC.FUTURE_SIGNAL)).toBe(4);
  });
});

describe('processor: partial batch failures', () => {
  it('returns exactly the failed message IDs: malformed bodies and a throwing handler', async () => {
    // Prepare
    const poison = buildVehicleState();
    const { handler, outcomes } = await setup({
      handlers: {
        VEHICLE_STATE: async (event) => {
          if (event.eventId === poison.eventId) throw new Error('poison');
        },
      },
    });
    const records = [
      sqsRecord(buildVehicleState(), { messageId: 'ok-1' }),
      sqsRecord('{"eventId": "truncated', { messageId: 'bad-json' }),
      sqsRecord(poison, { messageId: 'poison' }),
      sqsRecord({ eventType: 'VEHICLE_STATE', data: {} }, { messageId: 'no-id' }),
      sqsRecord(buildVehicleError(), { messageId: 'ok-2' }),
    ];
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(...records), lambdaContext());

    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad-json', 'no-id', 'poison']);
    expect(
      outcomes
        .filter((o) => o.outcome === 'processed')
        .map((o) => o.messageId)
        .sort(),
    ).toEqual(['ok-1', 'ok-2']);
    expect(output.metricTotal(METRIC.MALFORMED_RECORD)).toBe(2);
    expect(output.metricTotal(METRIC.HANDLER_FAILED)).toBe(1);
    expect(output.raw()).not.toContain('truncated');
  });

  it('lists every message ID when every record fails, without throwing (no Lambda error for a poison batch)', async () => {
    // Prepare
    const { handler, outcomes } = await setup();
    const output = captureStdout();

    // Act
    const response = await handler(
      sqsEvent(sqsRecord('not json', { messageId: 'a' }), sqsRecord('[]', { messageId: 'b' })),
      lambdaContext(),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['failed', 'failed']);
    expect(output.metricTotal(METRIC.MALFORMED_RECORD)).toBe(2);
  });

  it('throws FullBatchFailureError when every record fails and throwOnFullBatchFailure is on, after publishing metrics', async () => {
    // Prepare
    const { handler } = await setup({ throwOnFullBatchFailure: true });
    const output = captureStdout();

    // Act
    const act = handler(
      sqsEvent(sqsRecord('not json', { messageId: 'a' }), sqsRecord('[]', { messageId: 'b' })),
      lambdaContext(),
    );

    // Assess
    await expect(act).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(output.metricTotal(METRIC.MALFORMED_RECORD)).toBe(2);
  });

  it('counts a failure on the last allowed receive as FinalAttemptFailed', async () => {
    // Prepare
    const { handler, outcomes } = await setup({
      maxReceiveCount: 3,
      throwOnFullBatchFailure: false,
      handlers: {
        VEHICLE_STATE: async () => {
          throw new Error('still broken');
        },
      },
    });
    const payload = buildVehicleState();
    const output = captureStdout();

    // Act
    await handler(sqsEvent(sqsRecord(payload, { receiveCount: 2 })), lambdaContext());
    await handler(sqsEvent(sqsRecord(payload, { receiveCount: 3 })), lambdaContext());

    // Assess
    expect(outcomes.map((o) => [o.outcome, o.finalAttempt])).toEqual([
      ['failed', false],
      ['failed', true],
    ]);
    expect(output.metricTotal(METRIC.FINAL_ATTEMPT_FAILED)).toBe(1);
    expect(output.metricTotal(METRIC.HANDLER_FAILED)).toBe(2);
  });
});

describe('processor: events without a handler', () => {
  it('acknowledges unknown event types and legacy 2.0 payloads with a metric, never retrying them', async () => {
    // Prepare
    const { handler, outcomes } = await setup();
    const records = [
      sqsRecord({ eventId: 'e-new', eventType: 'VEHICLE_COMMAND', data: {}, meta: {} }),
      sqsRecord(buildVerify()),
      sqsRecord({ version: '2.0', webhookId: 'wh', eventName: 'schedule', mode: 'live', payload: {} }),
    ];
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(...records), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['ignored', 'ignored', 'ignored']);
    expect(output.metricTotal(METRIC.UNKNOWN_EVENT_TYPE)).toBe(2);
    expect(output.metricTotal(METRIC.LEGACY_PAYLOAD)).toBe(1);
  });
});
