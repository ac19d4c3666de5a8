import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { METRIC, SIGNAL_CODE_DIMENSION } from '../../lambda/core/constants.ts';
import { parseEvent } from '../../lambda/processor/parse-event.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import { matchesShape } from '../../lambda/processor/signals/access.ts';
import type { TypedSignal } from '../../lambda/processor/signals/types.ts';
import { toCelsius, toKilometers, toLiters } from '../../lambda/processor/signals/units.ts';
import type { EventHandlers, VehicleSnapshot, VehicleStateEvent } from '../../lambda/processor/types.ts';
import { describeSignal, SIGNAL_CATALOGUE, SIGNAL_GROUPS, signalPageUrl } from '../../lib/signal-catalogue.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { captureStdout, lambdaContext, processorDeps, sqsEvent, sqsRecord } from './helpers/factories.ts';

const emulator = useDynamo();

beforeEach(() => {
  captureStdout();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function parseState(payload: Record<string, unknown>): VehicleStateEvent {
  const parsed = parseEvent(JSON.stringify(payload));
  if (parsed.kind !== 'event' || parsed.event.eventType !== 'VEHICLE_STATE') throw new Error('not a VEHICLE_STATE');
  return parsed.event;
}

/** A VEHICLE_STATE carrying these signals as they are (bodies included). */
function stateWith(vehicleId: string, signals: Array<{ code: string; body: unknown }>): Record<string, unknown> {
  const payload = buildVehicleState({ vehicleId, signalCount: 0 });
  const data = payload.data as { signals: unknown[] };
  // Real epoch ms (2026-01-01 and after): smaller numbers are no plausible time, so nothing would order the value.
  const T0 = Date.UTC(2026, 0, 1);
  const meta = { oemUpdatedAt: T0 + 1_000, retrievedAt: T0 + 1_500 };
  data.signals = signals.map(({ code, body }) => ({ code, body, meta }));
  return payload;
}

/** A processor on fresh tables whose VEHICLE_STATE handler keeps what the typed API gave it, then runs the default. */
async function capturingProcessor() {
  const names = await emulator.tables();
  const seen: Array<{ event: VehicleStateEvent; snapshot: VehicleSnapshot }> = [];
  const capture: EventHandlers['VEHICLE_STATE'] = async (event, context) => {
    const { snapshot } = await context.vehicleState.mergeSignals(event.vehicleId, event.signals, event.eventId);
    seen.push({ event, snapshot });
  };
  const deps = processorDeps(emulator.dynamo().client, names, { handlers: { VEHICLE_STATE: capture } });
  return { handler: createProcessorHandler(deps), seen, outcomes: deps.outcomes, deps };
}

describe('signal catalogue', () => {
  it('covers the 19 groups of Smartcar reference, each signal named group-name and linked to its group page', () => {
    // Prepare
    const groups = new Set(SIGNAL_CATALOGUE.map((signal) => signal.group));

    // Act
    const misnamed = SIGNAL_CATALOGUE.filter(({ code, group, name }) => code !== `${group}-${name}`.toLowerCase());
    const mislinked = SIGNAL_CATALOGUE.filter(({ url, group }) => url !== signalPageUrl(group));

    // Assess
    expect(SIGNAL_CATALOGUE).toHaveLength(90);
    expect([...groups].sort()).toEqual([...SIGNAL_GROUPS].sort());
    expect(SIGNAL_GROUPS).toHaveLength(19);
    expect(misnamed).toEqual([]);
    expect(mislinked).toEqual([]);
    expect(describeSignal('tractionbattery-stateofcharge').url).toBe(
      'https://smartcar.com/docs/api-reference/signals/tractionbattery',
    );
    expect(SIGNAL_CATALOGUE.every(({ doc }) => doc.length > 0 && !doc.includes('\n'))).toBe(true);
  });

  it("is what docs/signals.md's table of groups says: each group's page and its signals", () => {
    // Prepare
    const doc = readFileSync(new URL('../../docs/signals.md', import.meta.url), 'utf8');

    // Act
    const rows = [...doc.matchAll(/^\| \[(\w+)\]\((\S+)\) \| (\d+) \| (.*) \|$/gm)].map(
      ([, group, url, count, codes]) => ({
        group,
        url,
        count: Number(count),
        codes: [...codes!.matchAll(/`([^`]+)`/g)].map(([, code]) => `${group!.toLowerCase()}-${code}`),
      }),
    );

    // Assess
    expect(rows).toEqual(
      SIGNAL_GROUPS.map((group) => {
        const codes = SIGNAL_CATALOGUE.filter((signal) => signal.group === group).map(({ code }) => code);
        return { group, url: signalPageUrl(group), count: codes.length, codes };
      }),
    );
  });

  it.each(SIGNAL_CATALOGUE.map((signal) => [signal.code, signal] as const))(
    '%s: the example body has the documented shape and parses to the typed signal',
    (code, signal) => {
      // Prepare
      const payload = stateWith('veh-catalogue', [{ code, body: signal.example }]);

      // Act
      const event = parseState(JSON.parse(JSON.stringify(payload)) as Record<string, unknown>);

      // Assess
      expect(matchesShape(code, signal.example)).toBe(true);
      expect(event.signal(code)?.body).toEqual(signal.example);
      expect(event.signals[0]?.body).toEqual(signal.example);
    },
  );
});

describe('typed signals through the processor', () => {
  it('round-trips one of every documented signal: typed on the event and on the stored snapshot, nothing counted', async () => {
    // Prepare
    const { handler, seen, outcomes } = await capturingProcessor();
    const payload = buildVehicleState({ vehicleId: 'veh-all', signalCodes: 'all' });
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(sqsRecord(payload)), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(outcomes).toEqual([expect.objectContaining({ outcome: 'processed' })]);
    const [{ event, snapshot }] = seen as [(typeof seen)[number]];
    expect(event.signals).toHaveLength(SIGNAL_CATALOGUE.length);
    for (const { code, example } of SIGNAL_CATALOGUE) {
      expect(event.signal(code)?.body, code).toEqual(example);
      expect(snapshot.signal(code)?.body, code).toEqual(example);
    }
    expect(snapshot.signal('tractionbattery-stateofcharge')).toMatchObject({
      code: 'tractionbattery-stateofcharge',
      group: 'TractionBattery',
      name: 'StateOfCharge',
      meta: { oemUpdatedAt: expect.any(Number) },
    });
    expect(output.metricTotal(METRIC.SIGNAL_SHAPE_MISMATCH)).toBe(0);
  });

  it('passes a body unlike its documented shape through untyped and stored, counted by code, never failed', async () => {
    // Prepare
    const { handler, seen, outcomes } = await capturingProcessor();
    const payload = stateWith('veh-quirk', [
      { code: 'tractionbattery-stateofcharge', body: { value: '78', unit: 'percent' } },
      { code: 'odometer-traveleddistance', body: { value: 50_000, unit: 'km' } },
      { code: 'charge-ischarging', body: { value: true, addedByOem: 'new field' } },
      { code: 'vendor-newsignal', body: { anything: 1 } },
    ]);
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(sqsRecord(payload)), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(outcomes).toEqual([expect.objectContaining({ outcome: 'processed' })]);
    const [{ event, snapshot }] = seen as [(typeof seen)[number]];
    expect(event.signals.map((signal) => signal.body)).toEqual([
      { value: '78', unit: 'percent' },
      { value: 50_000, unit: 'km' },
      { value: true, addedByOem: 'new field' },
      { anything: 1 },
    ]);
    expect(event.signal('tractionbattery-stateofcharge')).toBeUndefined();
    expect(event.signal('odometer-traveleddistance')).toBeUndefined();
    expect(snapshot.signal('odometer-traveleddistance')).toBeUndefined();
    expect(snapshot.signals['odometer-traveleddistance']?.body).toEqual({ value: 50_000, unit: 'km' });
    // An extra field is not a mismatch; an unknown code is passed through untyped.
    expect(event.signal('charge-ischarging')?.body.value).toBe(true);
    expect(event.signal('vendor-newsignal')?.body).toEqual({ anything: 1 });
    const mismatchLines = output.metrics().filter(({ values }) => METRIC.SIGNAL_SHAPE_MISMATCH in values);
    expect(mismatchLines.map(({ dimensions, values }) => [dimensions, values[METRIC.SIGNAL_SHAPE_MISMATCH]])).toEqual([
      [[['service', SIGNAL_CODE_DIMENSION]], 1],
      [[['service', SIGNAL_CODE_DIMENSION]], 1],
      [[['service']], 2],
    ]);
    expect(
      output.metricTotal(METRIC.SIGNAL_SHAPE_MISMATCH, { [SIGNAL_CODE_DIMENSION]: 'tractionbattery-stateofcharge' }),
    ).toBe(1);
    expect(
      output.metricTotal(METRIC.SIGNAL_SHAPE_MISMATCH, { [SIGNAL_CODE_DIMENSION]: 'odometer-traveleddistance' }),
    ).toBe(1);
  });

  it('aggregates mismatches to one metric line per code and batch', async () => {
    // Prepare
    const { handler } = await capturingProcessor();
    const quirk = { code: 'motion-currentspeed', body: { value: 88, unit: 'knots' } };
    const records = [sqsRecord(stateWith('veh-m1', [quirk])), sqsRecord(stateWith('veh-m2', [quirk]))];
    const output = captureStdout();

    // Act
    await handler(sqsEvent(...records), lambdaContext());

    // Assess
    const lines = output.metrics().filter(({ values }) => SIGNAL_CODE_DIMENSION in values);
    expect(lines.map(({ values }) => [values[SIGNAL_CODE_DIMENSION], values[METRIC.SIGNAL_SHAPE_MISMATCH]])).toEqual([
      ['motion-currentspeed', 2],
    ]);
  });
});

describe('shape check', () => {
  it.each([
    ['a missing headline value', 'tractionbattery-stateofcharge', { unit: 'percent' }],
    ['an undocumented unit', 'climate-externaltemperature', { value: 20, unit: 'kelvin' }],
    ['a list that is not one', 'closure-doors', { values: { row: 0 } }],
    ['a list item of the wrong type', 'closure-windows', { values: [{ row: 0, column: 0, isOpen: 'no' }] }],
    ['a non-finite number', 'charge-voltage', { value: Number.NaN, unit: 'volts' }],
    ['a body that is not an object', 'charge-ischarging', true],
  ])('refuses %s', (_what, code, body) => {
    // Act
    const matches = matchesShape(code, body);

    // Assess
    expect(matches).toBe(false);
  });

  it('accepts optional fields absent or null, any string for open enumerations, and knows nothing of unknown codes', () => {
    // Act
    const results = [
      matchesShape('location-preciselocation', { latitude: 1, longitude: 2, heading: null }),
      matchesShape('transmission-gearstate', { value: 'LOW' }),
      matchesShape('charge-chargelimits', { values: [{ type: 'global', limit: 80, condition: null }] }),
      matchesShape('vendor-newsignal', {}),
    ];

    // Assess
    expect(results).toEqual([true, true, true, undefined]);
  });
});

describe('unit helpers', () => {
  it('convert the documented units and leave the metric ones as they are', () => {
    // Act
    const converted = [
      toKilometers({ value: 100, unit: 'miles' }),
      toKilometers({ value: 100, unit: 'kilometers' }),
      toCelsius({ value: 212, unit: 'fahrenheit' }),
      toCelsius({ value: 21.5, unit: 'celsius' }),
      toLiters({ value: 10, unit: 'gallons' }),
    ];

    // Assess
    expect(converted).toEqual([160.9344, 100, 100, 21.5, 37.85411784]);
  });

  it('take a typed body as it comes from signal()', () => {
    // Prepare
    const event = parseState(
      stateWith('veh-units', [{ code: 'odometer-traveleddistance', body: { value: 10, unit: 'miles' } }]),
    );
    const odometer: TypedSignal<'odometer-traveleddistance'> | undefined = event.signal('odometer-traveleddistance');

    // Act
    const kilometers = odometer && toKilometers(odometer.body);

    // Assess
    expect(kilometers).toBeCloseTo(16.09344, 6);
  });
});
