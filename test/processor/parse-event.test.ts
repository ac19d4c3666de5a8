import { describe, expect, it } from 'vitest';
import { buildVehicleError, buildVehicleState, buildVerify } from '../../bin/cli/sample-events.ts';
import { MalformedEventError } from '../../lambda/processor/errors.ts';
import { parseEvent } from '../../lambda/processor/parse-event.ts';
import type { VehicleErrorEvent, VehicleStateEvent } from '../../lambda/processor/types.ts';

function parseState(payload: Record<string, unknown>): VehicleStateEvent {
  const parsed = parseEvent(JSON.stringify(payload));
  if (parsed.kind !== 'event' || parsed.event.eventType !== 'VEHICLE_STATE') throw new Error(`got ${parsed.kind}`);
  return parsed.event;
}

function parseError(payload: Record<string, unknown>): VehicleErrorEvent {
  const parsed = parseEvent(JSON.stringify(payload));
  if (parsed.kind !== 'event' || parsed.event.eventType !== 'VEHICLE_ERROR') throw new Error(`got ${parsed.kind}`);
  return parsed.event;
}

describe('parseEvent: VEHICLE_STATE variants', () => {
  it('parses the reference shape (data.triggers, fetchedAt, top-level vehicleId)', () => {
    // Prepare
    const payload = buildVehicleState({ vehicleId: 'veh-ref', eventId: 'evt-ref', oemUpdatedAt: 1_700_000_000_000 });

    // Act
    const event = parseState(payload);

    // Assess
    expect(event).toMatchObject({ eventId: 'evt-ref', vehicleId: 'veh-ref', isTest: false });
    expect(event.signals).toHaveLength(12);
    expect(event.signals[0]).toMatchObject({
      code: 'tractionbattery-stateofcharge',
      body: { unit: 'percent', value: 78 },
      meta: { oemUpdatedAt: 1_700_000_000_000, retrievedAt: expect.any(Number) },
    });
    expect(event.triggers).toEqual([
      {
        type: 'SIGNAL_UPDATED',
        signal: { code: 'tractionbattery-stateofcharge', name: 'StateOfCharge', group: 'TractionBattery' },
      },
    ]);
  });

  it('parses the captured shape (top-level {type, signal} triggers, retrievedAt, vehicle id only in data)', () => {
    // Prepare
    const payload = buildVehicleState({ vehicleId: 'veh-cap', variant: 'captured' });

    // Act
    const event = parseState(payload);

    // Assess
    expect(payload.vehicleId).toBeUndefined();
    expect(event.vehicleId).toBe('veh-cap');
    expect(event.triggers).toEqual([
      {
        type: 'SIGNAL_UPDATED',
        signal: { code: 'tractionbattery-stateofcharge', name: 'StateOfCharge', group: 'TractionBattery' },
      },
    ]);
    expect(event.signals.every((signal) => typeof signal.meta.retrievedAt === 'number')).toBe(true);
  });

  it('keeps a failed signal (status ERROR, no body) without inventing a body', () => {
    // Prepare
    const payload = buildVehicleState({ signalCount: 1 });
    (payload.data as { signals: unknown[] }).signals.push({
      code: 'location-isathome',
      name: 'IsAtHome',
      group: 'Location',
      status: { value: 'ERROR', error: { code: 'VEHICLE_NOT_CAPABLE', type: 'COMPATIBILITY' } },
    });

    // Act
    const event = parseState(payload);

    // Assess
    expect(event.signals[1]).toEqual({
      code: 'location-isathome',
      name: 'IsAtHome',
      group: 'Location',
      status: { value: 'ERROR', error: { code: 'VEHICLE_NOT_CAPABLE', type: 'COMPATIBILITY' } },
      meta: {},
    });
  });

  it.each([
    ['epoch ms', 1_761_896_351_529, 1_761_896_351_529],
    ['ISO string', '2025-07-31T19:38:42.332Z', Date.parse('2025-07-31T19:38:42.332Z')],
    // Smartcar's payload reference shows `"deliveredAt": 1700000000`.
    ['epoch seconds', 1_700_000_000, 1_700_000_000_000],
    ['epoch seconds as a numeric string', '1700000000', 1_700_000_000_000],
    ['epoch microseconds', 1_761_896_351_529_000, 1_761_896_351_529],
    ['a clock reset to 1970 (unreadable, left out)', 5, undefined],
  ])('reads meta.deliveredAt given as %s', (_label, deliveredAt, expected) => {
    // Prepare
    const payload = buildVehicleState({ deliveredAt });

    // Act
    const event = parseState(payload);

    // Assess
    expect(event.meta.deliveredAt).toBe(expected);
  });

  it('accepts FIRST_DELIVERY and dotted-string trigger shapes', () => {
    // Prepare
    const reference = buildVehicleState();
    (reference.data as Record<string, unknown>).triggers = [{ code: 'FIRST_DELIVERY' }];
    const captured = buildVehicleState({ variant: 'captured' });
    captured.triggers = [
      { type: 'FIRST_DELIVERY' },
      { type: 'SIGNAL_UPDATED', signal: 'InternalCombustionEngine.FuelLevel' },
    ];

    // Act
    const fromReference = parseState(reference);
    const fromCaptured = parseState(captured);

    // Assess
    expect(fromReference.triggers).toEqual([{ type: 'FIRST_DELIVERY' }]);
    expect(fromCaptured.triggers).toEqual([
      { type: 'FIRST_DELIVERY' },
      {
        type: 'SIGNAL_UPDATED',
        signal: { code: 'internalcombustionengine-fuellevel', name: 'FuelLevel', group: 'InternalCombustionEngine' },
      },
    ]);
  });

  it('ignores unknown extra keys, flags TEST mode and drops the VIN', () => {
    // Prepare
    const payload = buildVehicleState({ mode: 'TEST' });
    payload.somethingNew = { nested: true };
    (payload.meta as Record<string, unknown>).deliveryTime = 123;
    (payload.data as { vehicle: Record<string, unknown> }).vehicle.vin = '5YJ3E1EA7KF000001';

    // Act
    const event = parseState(payload);

    // Assess
    expect(event.isTest).toBe(true);
    expect(event.meta.mode).toBe('TEST');
    expect(JSON.stringify(event)).not.toContain('5YJ3E1EA7KF000001');
  });

  it.each([
    ['epoch ms', 1_761_896_351_529, 1_761_896_351_529],
    ['epoch seconds', 1_761_896_351, 1_761_896_351_000],
    ['epoch microseconds', 1_761_896_351_529_123, 1_761_896_351_529],
    ['epoch nanoseconds', 1_761_896_351_529_000_000, 1_761_896_351_529],
  ])('reads a signal oemUpdatedAt and fetchedAt given in %s as epoch ms', (_label, stamp, expected) => {
    // Prepare
    const payload = buildVehicleState({ signalCount: 1, oemUpdatedAt: stamp });
    const [signal] = (payload.data as { signals: Array<{ meta: Record<string, number> }> }).signals;
    signal!.meta.fetchedAt = stamp;

    // Act
    const event = parseState(payload);

    // Assess
    expect(event.signals[0]?.meta).toEqual({ oemUpdatedAt: expected, retrievedAt: expected });
  });

  it('leaves an implausible oemUpdatedAt out (a clock reset to 1970), so the retrieval time orders the value', () => {
    // Prepare
    const payload = buildVehicleState({ signalCount: 1, oemUpdatedAt: 0 });

    // Act
    const event = parseState(payload);

    // Assess
    expect(event.signals[0]?.meta.oemUpdatedAt).toBeUndefined();
    expect(event.signals[0]?.meta.retrievedAt).toEqual(expect.any(Number));
  });

  it.each([
    ['TEST', true],
    ['test', true],
    ['SIMULATED', true],
    ['simulated', true],
    ['Simulated', true],
    ['LIVE', false],
    ['live', false],
    ['SANDBOX (undocumented: live, never dropped as a test)', false],
    [undefined, false],
  ])('flags meta.mode %s as a non-live delivery: %s', (mode, isTest) => {
    // Prepare
    const payload = buildVehicleState();
    const meta = payload.meta as Record<string, unknown>;
    if (mode === undefined) delete meta.mode;
    else meta.mode = mode.split(' ')[0];

    // Act
    const event = parseState(payload);

    // Assess
    expect(event.isTest).toBe(isTest);
  });

  it('falls back to the retrieval time only in meta, leaving oemUpdatedAt absent when missing', () => {
    // Prepare
    const payload = buildVehicleState({ oemUpdatedAt: null, signalCount: 2 });

    // Act
    const event = parseState(payload);

    // Assess
    expect(event.signals.map((signal) => signal.meta.oemUpdatedAt)).toEqual([undefined, undefined]);
    expect(event.signals.every((signal) => typeof signal.meta.retrievedAt === 'number')).toBe(true);
  });
});

describe('parseEvent: VEHICLE_ERROR variants', () => {
  it('parses ERROR with suggestedUserMessage and resolution', () => {
    // Prepare
    const payload = buildVehicleError({ vehicleId: 'veh-err', eventId: 'evt-err' });

    // Act
    const event = parseError(payload);

    // Assess
    expect(event.vehicleId).toBe('veh-err');
    expect(event.errors).toEqual([
      {
        type: 'VEHICLE_STATE',
        code: 'UNREACHABLE',
        state: 'ERROR',
        description: 'The vehicle did not respond to the request.',
        suggestedUserMessage: 'Your car is out of reach. Try again when it has signal.',
        docURL: 'https://smartcar.com/docs/errors/api-errors/vehicle-state-errors#unreachable',
        resolutionType: 'RETRY_LATER',
        signals: [{ code: 'location-preciselocation', name: 'PreciseLocation', group: 'Location' }],
      },
    ]);
  });

  it('accepts null code, null resolution.type, no signals, dotted signal strings and no top-level vehicleId', () => {
    // Prepare
    const payload = buildVehicleError({ vehicleId: 'veh-cap', variant: 'captured', state: 'RESOLVED' });
    const errors = (payload.data as { errors: Record<string, unknown>[] }).errors;
    errors.push({ type: 'PERMISSION', code: null, state: 'ERROR', resolution: { type: null } });
    errors.push({ type: 'COMPATIBILITY', code: 'VEHICLE_NOT_CAPABLE', state: 'ERROR', signals: ['Charge.IsCharging'] });

    // Act
    const event = parseError(payload);

    // Assess
    expect(event.vehicleId).toBe('veh-cap');
    expect(event.errors[0]).toMatchObject({ state: 'RESOLVED' });
    expect(event.errors[0]?.suggestedUserMessage).toBeUndefined();
    expect(event.errors[1]).toEqual({
      type: 'PERMISSION',
      code: null,
      state: 'ERROR',
      resolutionType: null,
      signals: [],
    });
    expect(event.errors[2]?.signals).toEqual([{ code: 'charge-ischarging', name: 'IsCharging', group: 'Charge' }]);
  });
});

describe('parseEvent: types without a handler', () => {
  it('reports an unknown event type (VERIFY included) with its eventId', () => {
    // Prepare
    const body = JSON.stringify(buildVerify({ eventId: 'evt-verify' }));

    // Act
    const parsed = parseEvent(body);

    // Assess
    expect(parsed).toEqual({ kind: 'unknown', eventId: 'evt-verify', eventType: 'VERIFY' });
  });

  it('reports an unknown event type even without an eventId (acknowledged, never dead-lettered)', () => {
    // Prepare
    const body = JSON.stringify({ eventType: 'VEHICLE_SOMETHING_NEW', data: {} });

    // Act
    const parsed = parseEvent(body);

    // Assess
    expect(parsed).toEqual({ kind: 'unknown', eventType: 'VEHICLE_SOMETHING_NEW' });
  });

  it('recognises a legacy 2.0 payload', () => {
    // Prepare
    const body = JSON.stringify({
      version: '2.0',
      webhookId: 'wh',
      eventName: 'eventBased',
      mode: 'live',
      payload: {},
    });

    // Act
    const parsed = parseEvent(body);

    // Assess
    expect(parsed).toEqual({ kind: 'legacy', eventName: 'eventBased' });
  });
});

describe('parseEvent: malformed bodies', () => {
  const state = (mutate: (payload: Record<string, unknown>) => void): string => {
    const payload = buildVehicleState({ signalCount: 2 });
    mutate(payload);
    return JSON.stringify(payload);
  };

  it.each([
    ['not JSON', '{"eventId":', /not valid JSON/],
    ['a JSON array', '[]', /not a JSON object/],
    ['no eventId', state((p) => delete p.eventId), /eventId is missing/],
    ['no eventType', state((p) => delete p.eventType), /eventType is missing/],
    ['no data', state((p) => delete p.data), /data is missing/],
    [
      'no vehicle id anywhere',
      state((p) => {
        delete p.vehicleId;
        delete (p.data as Record<string, unknown>).vehicle;
      }),
      /vehicleId nor data.vehicle.id/,
    ],
    [
      'signals not an array',
      state((p) => ((p.data as Record<string, unknown>).signals = {})),
      /data.signals is not an array/,
    ],
    [
      'a signal without code',
      state((p) => ((p.data as { signals: unknown[] }).signals = [{ body: {} }])),
      /signals\[0\] has no code/,
    ],
    [
      'an error without state',
      JSON.stringify({ ...buildVehicleError(), data: { vehicle: { id: 'v' }, errors: [{ type: 'X' }] } }),
      /errors\[0\] has no state/,
    ],
  ])('rejects %s with MalformedEventError', (_label, body, message) => {
    // Act
    const act = (): unknown => parseEvent(body);

    // Assess
    expect(act).toThrow(MalformedEventError);
    expect(act).toThrow(message);
  });
});
