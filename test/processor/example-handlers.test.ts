import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleError, buildVehicleState } from '../../bin/cli/sample-events.ts';
import { shortVehicleId } from '../../lambda/core/vehicle-id.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import { deliveryRecord } from '../archive/helpers.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { captureStdout, lambdaContext, processorDeps, sqsEvent, sqsRecord } from './helpers/factories.ts';

// The example handlers are what a person watches in the log first: one INFO line per event that
// says what it was and what happened, never a VIN, a location or the full vehicle id.
const emulator = useDynamo();
const VEHICLE_ID = '36ab27d0-fd9d-4455-823a-ce30af709ffc';
const VIN = '5YJ3E1EA7KF000042';

beforeEach(() => {
  captureStdout();
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function defaultProcessor() {
  return createProcessorHandler(processorDeps(emulator.dynamo().client, await emulator.tables()));
}

/** Powertools writes WARN and ERROR through console.warn/error, to stderr: its chunks, captured. */
function captureStderr(): string[] {
  const stderr: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => stderr.push(String(chunk)) > 0);
  return stderr;
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function withVin(payload: Record<string, unknown>): Record<string, unknown> {
  (payload.data as { vehicle: Record<string, unknown> }).vehicle.vin = VIN;
  return payload;
}

describe('example VEHICLE_STATE handler', () => {
  it('logs one INFO line per event: type, eventId, the vehicle shortened and what was stored', async () => {
    // Prepare
    const handler = await defaultProcessor();
    const payload = withVin(buildVehicleState({ vehicleId: VEHICLE_ID, stateOfCharge: 66, signalCount: 12 }));
    const output = captureStdout();

    // Act
    await handler(sqsEvent(sqsRecord(payload)), lambdaContext());

    // Assess
    const info = output.lines().filter((line) => line.level === 'INFO' && line.eventId === payload.eventId);
    expect(info).toEqual([
      expect.objectContaining({
        message: 'Vehicle state stored',
        eventType: 'VEHICLE_STATE',
        vehicle: '36ab27d0…',
        signals: 12,
        newValues: 12,
        stateOfCharge: 66,
      }),
    ]);
    const infoText = JSON.stringify(output.lines().filter((line) => line.level === 'INFO'));
    expect(infoText).not.toContain(VEHICLE_ID);
    expect(output.raw()).not.toContain(VIN);
    expect(output.raw()).not.toContain('37.7749');
  });

  it('says a repeat changed nothing: no new values the second time', async () => {
    // Prepare
    const handler = await defaultProcessor();
    const first = buildVehicleState({ vehicleId: VEHICLE_ID, stateOfCharge: 40 });
    await handler(sqsEvent(sqsRecord(first)), lambdaContext());
    const repeat = { ...first, eventId: 'evt-same-values' };
    const output = captureStdout();

    // Act
    await handler(sqsEvent(sqsRecord(repeat)), lambdaContext());

    // Assess
    expect(output.lines()).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'Vehicle state stored',
        eventId: 'evt-same-values',
        newValues: 0,
      }),
    );
  });

  it('warns on a low battery, once per event, keyed on its eventId', async () => {
    // Prepare
    const handler = await defaultProcessor();
    const payload = buildVehicleState({ vehicleId: VEHICLE_ID, stateOfCharge: 12 });
    const stderr = captureStderr();

    // Act
    await handler(sqsEvent(sqsRecord(payload)), lambdaContext());

    // Assess
    const warnings = jsonLines(stderr.join('')).filter((line) => line.level === 'WARN');
    expect(warnings).toEqual([
      expect.objectContaining({ message: 'Battery low', stateOfCharge: 12, idempotencyKey: payload.eventId }),
    ]);
  });

  it('skips the low-battery warning on a replay, and says so at INFO with the replayId', async () => {
    // Prepare
    const handler = await defaultProcessor();
    const payload = buildVehicleState({ vehicleId: VEHICLE_ID, stateOfCharge: 12 });
    await handler(sqsEvent(sqsRecord(payload)), lambdaContext());
    const stderr = captureStderr();
    const output = captureStdout();

    // Act
    await handler(sqsEvent(deliveryRecord(payload, { replayId: 'replay-test-run' })), lambdaContext());

    // Assess
    const warnings = jsonLines(stderr.join('')).filter((line) => line.level === 'WARN');
    expect(warnings).toEqual([]);
    expect(output.lines()).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'Battery low, not notified again: replayed event',
        eventId: payload.eventId,
        replayId: 'replay-test-run',
        stateOfCharge: 12,
      }),
    );
    // The replay still ran the rest of the handler.
    expect(output.lines()).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'Vehicle state stored', eventId: payload.eventId }),
    );
  });
});

describe('example VEHICLE_ERROR handler', () => {
  it('logs one INFO line for its error: type, eventId, the vehicle shortened, the code and the owner message', async () => {
    // Prepare
    const handler = await defaultProcessor();
    const payload = withVin(buildVehicleError({ vehicleId: VEHICLE_ID }));
    const output = captureStdout();

    // Act
    await handler(sqsEvent(sqsRecord(payload)), lambdaContext());

    // Assess
    const info = output.lines().filter((line) => line.level === 'INFO' && line.eventId === payload.eventId);
    expect(info).toEqual([
      expect.objectContaining({
        message: 'Vehicle error',
        eventType: 'VEHICLE_ERROR',
        vehicle: '36ab27d0…',
        type: 'VEHICLE_STATE',
        code: 'UNREACHABLE',
        state: 'ERROR',
        suggestedUserMessage: expect.any(String),
      }),
    ]);
    expect(JSON.stringify(output.lines().filter((line) => line.level === 'INFO'))).not.toContain(VEHICLE_ID);
    expect(output.raw()).not.toContain(VIN);
  });
});

describe('shortVehicleId', () => {
  it.each([
    [VEHICLE_ID, '36ab27d0…'],
    ['veh-1', 'veh-1'],
    ['12345678', '12345678'],
  ])('shortens %s to %s', (vehicleId, expected) => {
    // Act & Assess
    expect(shortVehicleId(vehicleId)).toBe(expected);
  });
});
