import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { parseArchiveLine } from '../../lambda/core/archive-record.ts';
import { METRIC } from '../../lambda/core/constants.ts';
import { createFirehoseArchiveWriter } from '../../lambda/processor/archive.ts';
import { defaultHandlers } from '../../lambda/processor/handlers/index.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import type { EventHandlers, VehicleStateEvent } from '../../lambda/processor/types.ts';
import { linesOfRecords, useFirehoseStub } from '../helpers/firehose-stub.ts';
import { useDynamo } from '../processor/helpers/dynamo.ts';
import { captureStdout, lambdaContext, processorDeps, sqsEvent } from '../processor/helpers/factories.ts';
import { deliveryRecord } from './helpers.ts';

const STREAM = 'archive-stream';
const emulator = useDynamo();
const firehoseFixture = useFirehoseStub();
const client = firehoseFixture.client;

beforeEach(() => {
  captureStdout();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A processor archiving through the real SDK client to the Firehose stand-in, recording the handler runs. */
async function setup() {
  const names = await emulator.tables();
  const runs: Array<{ eventId: string; replay: VehicleStateEvent['replay']; archivedBefore: number }> = [];
  const vehicleState: EventHandlers['VEHICLE_STATE'] = async (event, context) => {
    runs.push({
      eventId: event.eventId,
      replay: event.replay,
      archivedBefore: linesOfRecords(firehoseFixture.stub().records.get(STREAM) ?? []).length,
    });
    await defaultHandlers.VEHICLE_STATE(event, context);
  };
  const deps = processorDeps(emulator.dynamo().client, names, {
    handlers: { VEHICLE_STATE: vehicleState },
    archive: createFirehoseArchiveWriter({ firehose: client(), deliveryStreamName: STREAM }),
  });
  return { handler: createProcessorHandler(deps), runs, outcomes: deps.outcomes };
}

describe('archive step: every batch through Firehose before its handlers', () => {
  it('archives each record byte for byte with its delivery attributes, packed in one gzipped Firehose record, before any handler runs', async () => {
    // Prepare
    const { handler, runs } = await setup();
    // Bytes a re-serialization would change: key order, spacing, escapes, non-ASCII.
    const body = `{"eventType":"VEHICLE_STATE",  "eventId":"evt-raw","data":{"vehicle":{"id":"veh-raw"},"signals":[]},"meta":{"version":"4.0","note":"caf\\u00e9 ☕"}}`;
    const records = [
      deliveryRecord(body, { receivedAt: 1_800_000_000_000, deliveryId: 'dlv-1', route: 'data' }),
      deliveryRecord(buildVehicleState({ eventId: 'evt-2', vehicleId: 'veh-2' }), { receivedAt: 1_800_000_000_001 }),
    ];
    const output = captureStdout();

    // Act
    const response = await handler(sqsEvent(...records), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(firehoseFixture.stub().requests).toEqual([1]);
    const lines = linesOfRecords(firehoseFixture.stub().records.get(STREAM)!);
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.endsWith('\n') && line.indexOf('\n') === line.length - 1)).toBe(true);
    expect(parseArchiveLine(lines[0]!)).toEqual({
      eventId: 'evt-raw',
      eventType: 'VEHICLE_STATE',
      deliveryId: 'dlv-1',
      route: 'data',
      receivedAt: 1_800_000_000_000,
      body,
    });
    expect(runs.map((run) => run.archivedBefore)).toEqual([2, 2]);
    expect(output.metricTotal(METRIC.EVENT_ARCHIVED)).toBe(2);
  });

  it('does not archive a replayed copy again, runs its handler once per replay run and tells the handler', async () => {
    // Prepare
    const { handler, runs, outcomes } = await setup();
    const event = buildVehicleState({ eventId: 'evt-replayed', vehicleId: 'veh-r', stateOfCharge: 40 });
    await handler(sqsEvent(deliveryRecord(event)), lambdaContext());
    const output = captureStdout();

    // Act
    const first = await handler(
      sqsEvent(deliveryRecord(event, { replayId: 'run-1' }), deliveryRecord(event, { replayId: 'run-1' })),
      lambdaContext(),
    );
    const second = await handler(sqsEvent(deliveryRecord(event, { replayId: 'run-2' })), lambdaContext());
    const live = await handler(sqsEvent(deliveryRecord(event)), lambdaContext());

    // Assess
    expect([first, second, live].flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect(linesOfRecords(firehoseFixture.stub().records.get(STREAM)!)).toHaveLength(2); // the first delivery and the live retry only
    expect(runs.map((run) => run.replay)).toEqual([undefined, { id: 'run-1' }, { id: 'run-2' }]);
    expect(outcomes.slice(1).map((o) => `${o.outcome}:${o.replayId ?? 'live'}`)).toEqual([
      'processed:run-1',
      'duplicate:run-1',
      'processed:run-2',
      'duplicate:live',
    ]);
    expect(output.metricTotal(METRIC.EVENT_REPLAYED)).toBe(2);
    expect(output.metricTotal(METRIC.EVENT_ARCHIVED)).toBe(1);
  });

  it('lets the freshness store skip a replayed signal older than the stored one', async () => {
    // Prepare
    const T0 = Date.UTC(2026, 0, 1);
    const { handler, outcomes } = await setup();
    const older = buildVehicleState({
      eventId: 'evt-old',
      vehicleId: 'veh-f',
      stateOfCharge: 10,
      oemUpdatedAt: T0 + 1_000,
    });
    const newer = buildVehicleState({
      eventId: 'evt-new',
      vehicleId: 'veh-f',
      stateOfCharge: 90,
      oemUpdatedAt: T0 + 2_000,
    });
    await handler(sqsEvent(deliveryRecord(older), deliveryRecord(newer)), lambdaContext());

    // Act
    await handler(sqsEvent(deliveryRecord(older, { replayId: 'run-f' })), lambdaContext());

    // Assess
    const replayed = outcomes.at(-1)!;
    expect(replayed).toMatchObject({ eventId: 'evt-old', outcome: 'processed', replayId: 'run-f' });
    expect(replayed.staleSignals).toBeGreaterThan(0);
  });
});
