import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { SMARTCAR_DELIVERY, TABLE_SCHEMA, VEHICLE_RECORD_KIND } from '../../lambda/core/constants.ts';
import { MAX_OPTIMISTIC_ATTEMPTS } from '../../lambda/processor/constants.ts';
import { ConcurrentUpdateError } from '../../lambda/processor/errors.ts';
import { parseEvent } from '../../lambda/processor/parse-event.ts';
import { DynamoVehicleErrorStore, vehicleErrorKey } from '../../lambda/processor/store/vehicle-error-store.ts';
import { DynamoVehicleStateStore } from '../../lambda/processor/store/vehicle-state-store.ts';
import type { VehicleError, VehicleStateEvent } from '../../lambda/processor/types/index.ts';
import { useDynamo } from './helpers/dynamo.ts';

const emulator = useDynamo();

async function stores(ttlSeconds = 3600, now = () => 1_800_000_000_000) {
  const { vehicleStateTableName } = await emulator.tables();
  const client = DynamoDBDocumentClient.from(emulator.dynamo().client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const options = { client, tableName: vehicleStateTableName, ttlSeconds, now };
  return {
    client,
    tableName: vehicleStateTableName,
    state: new DynamoVehicleStateStore(options),
    errors: new DynamoVehicleErrorStore(options),
  };
}

/** 2026-01-01T00:00:00Z: signal times below are ms after it (real epoch ms, as Smartcar stamps them). */
const T0 = Date.UTC(2026, 0, 1);

/** A parsed VEHICLE_STATE of 3 signals stamped `T0 + msAfterT0` (`null`: no `oemUpdatedAt`). */
function stateEvent(vehicleId: string, stateOfCharge: number, msAfterT0: number | null): VehicleStateEvent {
  const oemUpdatedAt = msAfterT0 === null ? null : T0 + msAfterT0;
  const parsed = parseEvent(
    JSON.stringify(buildVehicleState({ vehicleId, stateOfCharge, oemUpdatedAt, signalCount: 3 })),
  );
  if (parsed.kind !== 'event' || parsed.event.eventType !== 'VEHICLE_STATE') throw new Error('factory broke');
  return parsed.event;
}

function vehicleError(state: 'ERROR' | 'RESOLVED'): VehicleError {
  return { type: 'VEHICLE_STATE', code: 'ASLEEP', state, resolutionType: 'RETRY_LATER', signals: [] };
}

describe('DynamoVehicleStateStore', () => {
  it('keeps one versioned item per vehicle with a TTL, and reads it back', async () => {
    // Prepare
    const { state, client, tableName } = await stores(3600, () => 1_800_000_000_000);
    const event = stateEvent('veh-1', 55, 1_000);

    // Act
    const result = await state.mergeSignals('veh-1', event.signals, event.eventId);
    const latest = await state.get('veh-1');

    // Assess
    expect(result).toMatchObject({ applied: expect.any(Array), stale: [], attempts: 1 });
    expect(result.applied).toHaveLength(3);
    expect(latest?.version).toBe(1);
    expect(latest?.signals['tractionbattery-stateofcharge']).toMatchObject({
      body: { value: 55 },
      oemUpdatedAt: T0 + 1_000,
    });
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: { vehicleId: 'veh-1', kind: VEHICLE_RECORD_KIND.SIGNALS } }),
    );
    expect(Item?.[TABLE_SCHEMA.VEHICLE_STATE.ttlAttribute]).toBe(1_800_000_000 + 3600);
  });

  it('omits the TTL attribute when the TTL is 0 (keep forever)', async () => {
    // Prepare
    const { state, client, tableName } = await stores(0);
    const event = stateEvent('veh-forever', 10, 1_000);

    // Act
    await state.mergeSignals('veh-forever', event.signals, event.eventId);

    // Assess
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: { vehicleId: 'veh-forever', kind: VEHICLE_RECORD_KIND.SIGNALS } }),
    );
    expect(Item).toBeDefined();
    expect(Item?.[TABLE_SCHEMA.VEHICLE_STATE.ttlAttribute]).toBeUndefined();
  });

  it('skips and reports stale signals, and writes nothing when nothing is newer', async () => {
    // Prepare
    const { state } = await stores();
    const newer = stateEvent('veh-2', 80, 2_000);
    const older = stateEvent('veh-2', 20, 1_000);
    await state.mergeSignals('veh-2', newer.signals, newer.eventId);

    // Act
    const result = await state.mergeSignals('veh-2', older.signals, older.eventId);

    // Assess
    expect(result.stale).toHaveLength(3);
    expect(result.applied).toEqual([]);
    expect(result.snapshot.version).toBe(1);
    expect((await state.get('veh-2'))?.signals['tractionbattery-stateofcharge']?.body).toEqual({
      unit: 'percent',
      value: 80,
    });
  });

  it('orders by retrieval time when oemUpdatedAt is missing', async () => {
    // Prepare
    const { state } = await stores();
    const first = stateEvent('veh-3', 30, null);
    const second = stateEvent('veh-3', 31, null);
    for (const signal of second.signals) signal.meta.retrievedAt = (signal.meta.retrievedAt ?? 0) + 5_000;

    // Act
    await state.mergeSignals('veh-3', second.signals, second.eventId);
    const late = await state.mergeSignals('veh-3', first.signals, first.eventId);

    // Assess
    expect(late.stale).toHaveLength(3);
    expect((await state.get('veh-3'))?.signals['tractionbattery-stateofcharge']?.body).toEqual({
      unit: 'percent',
      value: 31,
    });
  });

  it('serialises concurrent writers for one vehicle so the newest value wins and no write is lost', async () => {
    // Prepare
    const { state } = await stores();
    const events = Array.from({ length: 6 }, (_, i) => stateEvent('veh-race', 40 + i, 1_000 + i));

    // Act
    const results = await Promise.all(
      events.map((event) => state.mergeSignals('veh-race', event.signals, event.eventId)),
    );

    // Assess
    const latest = await state.get('veh-race');
    expect(latest?.signals['tractionbattery-stateofcharge']?.body).toEqual({ unit: 'percent', value: 45 });
    const writes = results.filter((result) => result.applied.length > 0).length;
    expect(latest?.version).toBe(writes);
  });

  it('gives up with ConcurrentUpdateError when every conditional write loses', async () => {
    // Prepare
    const client = DynamoDBDocumentClient.from(emulator.dynamo().client);
    const mock = mockClient(client);
    mock.on(GetCommand).resolves({ Item: { vehicleId: 'v', kind: 'SIGNALS', version: 1, updatedAt: 1, signals: {} } });
    const conflict = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
    });
    mock.on(PutCommand).rejects(conflict);
    const state = new DynamoVehicleStateStore({ client, tableName: 't', ttlSeconds: 0 });
    const event = stateEvent('v', 1, 1);

    // Act
    const act = state.mergeSignals('v', event.signals, event.eventId);

    // Assess
    await expect(act).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(mock.commandCalls(PutCommand)).toHaveLength(MAX_OPTIMISTIC_ATTEMPTS);
    mock.restore();
  });
});

describe('DynamoVehicleErrorStore', () => {
  const MINUTE = 60_000;
  const SPAN_MS = SMARTCAR_DELIVERY.retrySpanSeconds * 1000;
  const KEY = vehicleErrorKey({ type: 'VEHICLE_STATE', code: 'ASLEEP' });

  it('records ERROR then RESOLVED, and an ERROR delivered well before the RESOLVED never overwrites it', async () => {
    // Prepare: reports minutes apart, further than Smartcar's retry span, so their order is certain.
    const { errors } = await stores();
    const vehicleId = randomUUID();
    await errors.record(vehicleId, [vehicleError('ERROR')], 'evt-error', 0);
    await errors.record(vehicleId, [vehicleError('RESOLVED')], 'evt-resolved', 20 * MINUTE);

    // Act
    await errors.record(vehicleId, [vehicleError('ERROR')], 'evt-error-late', 10 * MINUTE);

    // Assess
    const snapshot = await errors.get(vehicleId);
    expect(snapshot?.errors[KEY]).toEqual(expect.objectContaining({ state: 'RESOLVED', eventId: 'evt-resolved' }));
    expect(snapshot?.errors[KEY]).not.toHaveProperty('contested');
    expect(snapshot?.version).toBe(2);
  });

  it('RESOLVED, then a late retry of the older ERROR (a fresh deliveredAt): keeps both and marks the state contested, in either arrival order', async () => {
    // Prepare: the ERROR's first attempts failed; Smartcar's last retry carries a deliveredAt
    // 100 s after the RESOLVED, although the ERROR happened before it.
    const { errors } = await stores();
    const [resolvedFirst, retryFirst] = [randomUUID(), randomUUID()];
    const resolvedAt = 20 * MINUTE;
    const retryDeliveredAt = resolvedAt + 100_000;

    // Act
    await errors.record(resolvedFirst, [vehicleError('RESOLVED')], 'evt-resolved', resolvedAt);
    const afterRetry = await errors.record(resolvedFirst, [vehicleError('ERROR')], 'evt-error', retryDeliveredAt);
    await errors.record(retryFirst, [vehicleError('ERROR')], 'evt-error', retryDeliveredAt);
    const afterResolved = await errors.record(retryFirst, [vehicleError('RESOLVED')], 'evt-resolved', resolvedAt);

    // Assess: not silently ERROR; the handler is told the order is unknown.
    const expected = {
      state: 'ERROR',
      eventId: 'evt-error',
      contested: { state: 'RESOLVED', eventId: 'evt-resolved', reportedAt: resolvedAt },
    };
    expect(afterRetry.errors[KEY]).toMatchObject(expected);
    expect(afterResolved.errors[KEY]).toMatchObject(expected);
    expect((await errors.get(resolvedFirst))?.errors[KEY]).toEqual(afterRetry.errors[KEY]);
  });

  it('takes an ERROR delivered more than the retry span after a RESOLVED as a new error, uncontested', async () => {
    // Prepare
    const { errors } = await stores();
    const vehicleId = randomUUID();
    await errors.record(vehicleId, [vehicleError('RESOLVED')], 'evt-resolved', 20 * MINUTE);

    // Act
    const snapshot = await errors.record(vehicleId, [vehicleError('ERROR')], 'evt-error-again', 20 * MINUTE + SPAN_MS);

    // Assess
    expect(snapshot.errors[KEY]).toMatchObject({ state: 'ERROR', eventId: 'evt-error-again' });
    expect(snapshot.errors[KEY]).not.toHaveProperty('contested');
  });

  it('writes nothing when the same event is recorded again (a retry of the handler)', async () => {
    // Prepare
    const { errors } = await stores();
    const vehicleId = randomUUID();
    await errors.record(vehicleId, [vehicleError('RESOLVED')], 'evt-resolved', 20 * MINUTE);
    const contested = await errors.record(vehicleId, [vehicleError('ERROR')], 'evt-error', 21 * MINUTE);

    // Act
    const again = await errors.record(vehicleId, [vehicleError('ERROR')], 'evt-error', 21 * MINUTE);
    const olderAgain = await errors.record(vehicleId, [vehicleError('RESOLVED')], 'evt-resolved', 20 * MINUTE);

    // Assess
    expect(again).toEqual(contested);
    expect(olderAgain).toEqual(contested);
    expect(again.version).toBe(2);
  });
});
