import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENT_TYPE_DIMENSION, METRIC, SERVICE } from '../../lambda/core/constants.ts';
import { EVENT_TYPES } from '../../lambda/core/event-types.ts';
import { ProcessorConfigError } from '../../lambda/processor/errors.ts';
import { parseEvent } from '../../lambda/processor/parse-event.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import type { EventHandler, UntypedEvent } from '../../lambda/processor/types.ts';
import { dashboardWidgets, resourceByPrefix, templateFor } from '../infra/helpers.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { captureStdout, lambdaContext, processorDeps, sqsEvent, sqsRecord } from './helpers/factories.ts';

// Adding an event type is its handler file plus its line in `EVENT_TYPES` (and the registry
// entry the compiler then asks for). This file adds a test-only type the same way: one more
// entry in the list (mocked for this file only) and its handler registered with the processor,
// then checks everything that must follow from the list does.
const TEST_TYPE = 'TEST_PING';

vi.mock('../../lambda/core/event-types.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lambda/core/event-types.ts')>();
  return { ...original, EVENT_TYPES: [...original.EVENT_TYPES, 'TEST_PING'] };
});

const emulator = useDynamo();

beforeEach(() => {
  captureStdout();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A TEST_PING webhook body as Smartcar's 4.0 envelope would carry it. */
function pingBody(eventId: string, vehicleId: string): Record<string, unknown> {
  return {
    eventId,
    eventType: TEST_TYPE,
    data: { vehicle: { id: vehicleId, make: 'TESLA', vin: '5YJ3E1EA7KF000042' }, ping: { sequence: 7 } },
    meta: { version: '4.0', deliveryId: 'dlv-1', deliveredAt: Date.now(), mode: 'LIVE' },
  };
}

describe('a test-only event type added to the list', () => {
  it('is in the list every consumer reads', () => {
    // Act & Assess
    expect(EVENT_TYPES).toEqual(['VEHICLE_STATE', 'VEHICLE_ERROR', TEST_TYPE]);
  });

  it('is parsed as an event of that type, its data unparsed and without the VIN', () => {
    // Prepare
    const body = JSON.stringify(pingBody('evt-ping-1', 'veh-ping'));

    // Act
    const parsed = parseEvent(body);

    // Assess
    expect(parsed.kind).toBe('event');
    // The compiler knows the real list only: the mocked type's event is untyped.
    const event = (parsed as unknown as { event: UntypedEvent }).event;
    expect(event).toMatchObject({
      eventType: TEST_TYPE,
      eventId: 'evt-ping-1',
      vehicleId: 'veh-ping',
      vehicle: { id: 'veh-ping', make: 'TESLA' },
    });
    expect(event.data.ping).toEqual({ sequence: 7 });
    expect(JSON.stringify(event.vehicle)).not.toContain('5YJ3E1EA7KF000042');
  });

  it('stops the processor at start when the type has no handler', async () => {
    // Prepare
    const deps = processorDeps(emulator.dynamo().client, await emulator.tables());

    // Act & Assess
    expect(() => createProcessorHandler(deps)).toThrow(ProcessorConfigError);
    expect(() => createProcessorHandler(deps)).toThrow(/TEST_PING/);
  });

  it('is dispatched to its registered handler once per eventId and counted as EventProcessed by type', async () => {
    // Prepare
    const received: UntypedEvent[] = [];
    const handlePing: EventHandler<UntypedEvent<typeof TEST_TYPE>> = async (event, { logger }) => {
      received.push(event);
      logger.info('Ping handled');
    };
    const deps = processorDeps(emulator.dynamo().client, await emulator.tables(), {
      handlers: { [TEST_TYPE]: handlePing },
    });
    const handler = createProcessorHandler(deps);
    const ping = pingBody('evt-ping-2', 'veh-ping-0123456789');
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(sqsRecord(ping), sqsRecord(ping)), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(received.map((event) => [event.eventType, event.eventId, event.data.ping])).toEqual([
      [TEST_TYPE, 'evt-ping-2', { sequence: 7 }],
    ]);
    expect(deps.outcomes.map((o) => [o.eventType, o.outcome]).sort()).toEqual([
      [TEST_TYPE, 'duplicate'],
      [TEST_TYPE, 'processed'],
    ]);
    expect(output.metricTotal(METRIC.EVENT_PROCESSED, { [EVENT_TYPE_DIMENSION]: TEST_TYPE })).toBe(1);
    expect(output.metricTotal(METRIC.UNKNOWN_EVENT_TYPE)).toBe(0);
    expect(output.lines()).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'Ping handled',
        eventType: TEST_TYPE,
        eventId: 'evt-ping-2',
        vehicle: 'veh-ping…',
      }),
    );
  });
});

describe('a test-only event type in the stack derived from the list', () => {
  function dashboardWidget(title: string): string {
    return JSON.stringify(
      dashboardWidgets(templateFor()).find((w) => w.properties.title === title)?.properties.metrics,
    );
  }

  it.each(['Deliveries received by type', 'Events processed by type'])('has its own series in "%s"', (title) => {
    // Act
    const metrics = dashboardWidget(title);

    // Assess
    for (const eventType of ['VEHICLE_STATE', 'VEHICLE_ERROR', TEST_TYPE])
      expect(metrics).toContain(`"eventType","${eventType}"`);
  });

  it('counts in the denominator of the VEHICLE_ERROR share alarm', () => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::CloudWatch::Alarm', 'MonitoringVehicleErrorShare');
    const queries = properties.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { Dimensions: unknown[] } };
    }[];

    // Assess
    const ping = queries.find((q) => q.Id === 'testPing');
    expect(ping?.MetricStat?.Metric.Dimensions).toEqual([
      { Name: EVENT_TYPE_DIMENSION, Value: TEST_TYPE },
      { Name: 'service', Value: SERVICE.RECEIVER },
    ]);
    const expression = queries.find((q) => q.Expression)?.Expression ?? '';
    const share = new Function('IF', 'FILL', 'state', 'errors', 'testPing', `return ${expression};`) as (
      ...args: unknown[]
    ) => number;
    const evaluate = (state: number, errors: number, testPing: number) =>
      share(
        (c: boolean, t: number, f: number) => (c ? t : f),
        (v: number | undefined, fill: number) => v ?? fill,
        state,
        errors,
        testPing,
      );
    // 20 errors in 100 events only when the 40 pings count: 20 / (40 + 20 + 40).
    expect(evaluate(40, 20, 40)).toBeCloseTo(0.2, 10);
  });
});
