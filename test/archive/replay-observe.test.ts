import { describe, expect, it } from 'vitest';
import { buildVehicleError } from '../../bin/cli/sample-events.ts';
import { defaultHandlers } from '../../lambda/processor/handlers/index.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import { observeProcessor } from '../../local/processor-host/observe.ts';
import type { LocalRecordOutcome } from '../../local/processor-host/types.ts';
import { useDynamo } from '../processor/helpers/dynamo.ts';
import { lambdaContext, processorDeps, sqsEvent } from '../processor/helpers/factories.ts';
import { deliveryRecord } from './helpers.ts';

// The local pipeline's view of a replayed copy: every attempt says which replay run sent it, a
// failed one too (the processor's own outcome of a failure does not), so the deliveries log can
// file each attempt under its run.
const emulator = useDynamo();

describe('the local observer of a replayed copy', () => {
  it("carries the record's replayId on a failed attempt and on a processed one", async () => {
    // Prepare
    const payload = buildVehicleError({ vehicleId: 'veh-observe' });
    const tables = await emulator.tables();
    let failing = true;
    const handlers = {
      ...defaultHandlers,
      VEHICLE_ERROR: async () => {
        if (failing) throw new RangeError('the bug under test');
      },
    };
    const seen: LocalRecordOutcome[] = [];
    const handler = observeProcessor(
      handlers,
      (hooks) => createProcessorHandler(processorDeps(emulator.dynamo().client, tables, hooks)),
      (outcome) => seen.push(outcome),
    );
    const record = () => deliveryRecord(payload, { replayId: 'run-observe' });

    // Act
    await handler(sqsEvent(record()), lambdaContext());
    failing = false;
    await handler(sqsEvent(record()), lambdaContext());

    // Assess
    expect(seen.map((o) => [o.outcome, o.replayId])).toEqual([
      ['failed', 'run-observe'],
      ['processed', 'run-observe'],
    ]);
    expect(seen[0]?.error).toEqual({ name: 'RangeError', message: 'the bug under test' });
  });
});
