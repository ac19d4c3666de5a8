import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { EVENT_ID_MAX_BYTES, MESSAGE_ATTRIBUTE } from '../../lambda/core/constants.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { captureStdout, lambdaContext, processorDeps, sqsEvent, sqsRecord } from './helpers/factories.ts';

/**
 * EVENT_ID_MAX_BYTES, the longest eventId the receiver enqueues (a longer one is quarantined), is
 * one the processor handles end to end against DynamoDB, a replayed copy included. Powertools
 * hashes the idempotency key, so even an id past a DynamoDB key's 2,048 bytes is no poison there.
 */

const { dynamo, tables } = useDynamo();

beforeEach(() => {
  // The processor's log lines (a 2 KB eventId each) are not what is checked here.
  captureStdout();
});
afterEach(() => {
  vi.restoreAllMocks();
});

function record(eventId: string, replayId?: string) {
  const base = sqsRecord(buildVehicleState({ eventId, vehicleId: `veh-${eventId.length}` }));
  if (replayId)
    base.messageAttributes = { [MESSAGE_ATTRIBUTE.REPLAY_ID]: { stringValue: replayId, dataType: 'String' } };
  return base;
}

describe('eventId length and the idempotency table', () => {
  it('handles an eventId of EVENT_ID_MAX_BYTES, and a replayed copy of it', async () => {
    // Prepare
    const deps = processorDeps(dynamo().client, await tables());
    const handler = createProcessorHandler(deps);
    const eventId = 'e'.repeat(EVENT_ID_MAX_BYTES);

    // Act
    const first = await handler(sqsEvent(record(eventId)), lambdaContext());
    const replayed = await handler(sqsEvent(record(eventId, 'f'.repeat(36))), lambdaContext());

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(replayed.batchItemFailures).toEqual([]);
    expect(deps.outcomes.map((outcome) => outcome.outcome)).toEqual(['processed', 'processed']);
  });

  it('handles an eventId longer than a DynamoDB key can hold: the idempotency key is its hash', async () => {
    // Prepare
    const deps = processorDeps(dynamo().client, await tables());
    const handler = createProcessorHandler(deps);

    // Act
    const result = await handler(sqsEvent(record('e'.repeat(4_096))), lambdaContext());

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(deps.outcomes.map((outcome) => outcome.outcome)).toEqual(['processed']);
  });
});
