import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import {
  PIPELINE_DEFAULTS,
  SMARTCAR_DELIVERY,
  TABLE_SCHEMA,
  VEHICLE_RECORD_KIND,
} from '../../lambda/core/constants.ts';
import { MAX_OPTIMISTIC_ATTEMPTS } from '../../lambda/processor/constants.ts';
import { ConcurrentUpdateError } from '../../lambda/processor/errors.ts';
import { parseEvent } from '../../lambda/processor/parse-event.ts';
import { DynamoVehicleErrorStore, vehicleErrorKey } from '../../lambda/processor/store/vehicle-error-store.ts';
import { DynamoVehicleStateStore } from '../../lambda/processor/store/vehicle-state-store.ts';
import type { VehicleError, VehicleStateEvent } from '../../lambda/processor/types.ts';
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

describe('future timestamps: order times are believed up to the receipt plus futureToleranceSeconds', () => {
  const NOW = 1_800_000_000_000;
  const TOLERANCE_MS = PIPELINE_DEFAULTS.futureToleranceSeconds * 1000;
  const TEN_YEARS_MS = 10 * 365 * 86_400_000;
  const SOC = 'tractionbattery-stateofcharge';
  const KEY = vehicleErrorKey({ type: 'VEHICLE_STATE', code: 'ASLEEP' });

  /** A parsed VEHICLE_STATE of one signal whose `oemUpdatedAt` is `stamp` as it is on the wire. */
  function stamped(vehicleId: string, stateOfCharge: number, stamp: number): VehicleStateEvent {
    const parsed = parseEvent(
      JSON.stringify(buildVehicleState({ vehicleId, stateOfCharge, oemUpdatedAt: stamp, signalCount: 1 })),
    );
    if (parsed.kind !== 'event' || parsed.event.eventType !== 'VEHICLE_STATE') throw new Error('factory broke');
    return parsed.event;
  }

  it('a signal stamped 10 years ahead, then a normal value received later than its tolerance: the newer value wins', async () => {
    // Prepare: a wrong OEM clock (or a forgery) stamps one value 10 years ahead of its receipt.
    let clock = NOW;
    const { state } = await stores(3600, () => clock);
    const vehicleId = randomUUID();
    const future = stamped(vehicleId, 11, NOW + TEN_YEARS_MS);
    const first = await state.mergeSignals(vehicleId, future.signals, future.eventId, { receivedAt: NOW });
    clock = NOW + TOLERANCE_MS + 60_000;
    const normal = stamped(vehicleId, 77, clock - 2_000);

    // Act
    const second = await state.mergeSignals(vehicleId, normal.signals, normal.eventId, { receivedAt: clock });

    // Assess
    expect(first).toMatchObject({ applied: [SOC], future: [SOC] });
    expect(first.snapshot.signals[SOC]).toMatchObject({
      orderedAt: NOW + TOLERANCE_MS,
      oemUpdatedAt: NOW + TEN_YEARS_MS,
    });
    expect(second).toMatchObject({ applied: [SOC], stale: [], future: [] });
    expect((await state.get(vehicleId))?.signals[SOC]?.body).toEqual({ unit: 'percent', value: 77 });
  });

  it('a signal stamped within the tolerance is ordered by its own stamp, not counted', async () => {
    // Prepare: an OEM clock a few minutes fast.
    const { state } = await stores(3600, () => NOW);
    const vehicleId = randomUUID();
    const fast = stamped(vehicleId, 50, NOW + TOLERANCE_MS);

    // Act
    const result = await state.mergeSignals(vehicleId, fast.signals, fast.eventId, { receivedAt: NOW });

    // Assess
    expect(result.future).toEqual([]);
    expect(result.snapshot.signals[SOC]?.orderedAt).toBe(NOW + TOLERANCE_MS);
  });

  it('bounds by the store clock when no receipt is given, and by the store clock when the receipt is later', async () => {
    // Prepare
    const { state } = await stores(3600, () => NOW);
    const [a, b] = [randomUUID(), randomUUID()];
    const aheadA = stamped(a, 1, NOW + TEN_YEARS_MS);
    const aheadB = stamped(b, 1, NOW + TEN_YEARS_MS);

    // Act
    const withoutReceipt = await state.mergeSignals(a, aheadA.signals, aheadA.eventId);
    const forgedReceipt = await state.mergeSignals(b, aheadB.signals, aheadB.eventId, {
      receivedAt: NOW + TEN_YEARS_MS,
    });

    // Assess
    expect(withoutReceipt.snapshot.signals[SOC]?.orderedAt).toBe(NOW + TOLERANCE_MS);
    expect(forgedReceipt.snapshot.signals[SOC]?.orderedAt).toBe(NOW + TOLERANCE_MS);
  });

  it('frees a signal frozen before the clamp existed: a stored order time past now plus the tolerance is brought down', async () => {
    // Prepare: an item as the store wrote it before this fix, one signal ordered 10 years ahead.
    let clock = NOW;
    const { state, client, tableName } = await stores(3600, () => clock);
    const vehicleId = randomUUID();
    const frozen = { body: { unit: 'percent', value: 11 }, orderedAt: NOW + TEN_YEARS_MS, eventId: 'evt-old' };
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { vehicleId, kind: VEHICLE_RECORD_KIND.SIGNALS, signals: { [SOC]: frozen }, version: 1, updatedAt: NOW },
      }),
    );
    const first = stamped(vehicleId, 60, NOW - 1_000);
    const healed = await state.mergeSignals(vehicleId, first.signals, first.eventId, { receivedAt: NOW });
    clock = NOW + TOLERANCE_MS + 60_000;
    const later = stamped(vehicleId, 61, clock - 1_000);

    // Act
    const result = await state.mergeSignals(vehicleId, later.signals, later.eventId, { receivedAt: clock });

    // Assess
    expect(healed).toMatchObject({ stale: [SOC], future: [SOC] });
    expect(healed.snapshot.signals[SOC]).toMatchObject({ orderedAt: NOW + TOLERANCE_MS, body: { value: 11 } });
    expect(result.applied).toEqual([SOC]);
    expect((await state.get(vehicleId))?.signals[SOC]?.body).toEqual({ unit: 'percent', value: 61 });
  });

  it.each([
    ['microseconds', 1000],
    ['seconds', 1 / 1000],
  ])('orders values stamped in epoch %s with values stamped in ms', async (_unit, perMs) => {
    // Prepare: the OEM switches units between two readings (or two OEMs share a signal code).
    const { state } = await stores(3600, () => NOW);
    const vehicleId = randomUUID();
    const inMs = stamped(vehicleId, 40, NOW - 60_000);
    const newer = stamped(vehicleId, 41, (NOW - 30_000) * perMs);
    const older = stamped(vehicleId, 39, (NOW - 90_000) * perMs);
    await state.mergeSignals(vehicleId, inMs.signals, inMs.eventId, { receivedAt: NOW });

    // Act
    const newerResult = await state.mergeSignals(vehicleId, newer.signals, newer.eventId, { receivedAt: NOW });
    const olderResult = await state.mergeSignals(vehicleId, older.signals, older.eventId, { receivedAt: NOW });

    // Assess
    expect(newerResult).toMatchObject({ applied: [SOC], future: [] });
    expect(olderResult).toMatchObject({ stale: [SOC], future: [] });
    expect((await state.get(vehicleId))?.signals[SOC]).toMatchObject({
      body: { value: 41 },
      oemUpdatedAt: NOW - 30_000,
    });
  });

  it('an ERROR reported 10 years ahead does not outrank the RESOLVED that follows it', async () => {
    // Prepare
    let clock = NOW;
    const { errors } = await stores(3600, () => clock);
    const vehicleId = randomUUID();
    await errors.record(vehicleId, [vehicleError('ERROR')], 'evt-error', NOW + TEN_YEARS_MS, { receivedAt: NOW });
    clock = NOW + TOLERANCE_MS + SMARTCAR_DELIVERY.retrySpanSeconds * 1000 + 60_000;

    // Act
    const snapshot = await errors.record(vehicleId, [vehicleError('RESOLVED')], 'evt-resolved', clock - 1_000, {
      receivedAt: clock,
    });

    // Assess
    expect(snapshot.errors[KEY]).toMatchObject({ state: 'RESOLVED', eventId: 'evt-resolved' });
    expect(snapshot.errors[KEY]).not.toHaveProperty('contested');
  });
});
