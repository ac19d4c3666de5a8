import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS } from '../../local/constants.ts';
import { createLocalDynamoClient } from '../../local/dynamo.ts';
import type { LocalPipeline } from '../../local/types.ts';
import {
  goodDelivery,
  newHandlerLog,
  post,
  recordingHandlers,
  startTestPipeline,
  type TestDelivery,
} from './helpers.ts';

const BATCH = 20;

function fleetDeliveries(amt: string, count: number, tag: string): TestDelivery[] {
  return Array.from({ length: count }, (_, i) => goodDelivery(amt, { vehicleId: `veh-${tag}-${i}` }));
}

async function completedIdempotencyKeys(pipeline: LocalPipeline): Promise<string[]> {
  const client = createLocalDynamoClient(pipeline.endpoints.dynamoEndpoint);
  try {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: LOCAL_DEFAULTS.idempotencyTableName }));
    return Items.filter((item) => item.status?.S === 'COMPLETED').map((item) => item.id?.S ?? '');
  } finally {
    client.destroy();
  }
}

describe('Reliability: faults in the local pipeline', () => {
  let pipeline: LocalPipeline | undefined;

  afterEach(async () => {
    await pipeline?.stop();
    pipeline = undefined;
  });

  it('never answers 2xx without persisting while the queue is down, and recovers when it is back', async () => {
    // Prepare
    const log = newHandlerLog();
    pipeline = await startTestPipeline({ handlers: recordingHandlers(log) });
    const before = fleetDeliveries(pipeline.amt, BATCH, 'sqs-before');
    const during = fleetDeliveries(pipeline.amt, BATCH, 'sqs-during');
    const after = fleetDeliveries(pipeline.amt, BATCH, 'sqs-after');

    // Act
    const beforeResults = await post(pipeline, before);
    await pipeline.sqsEmulator.stop();
    const duringResults = await post(pipeline, during);
    await pipeline.sqsEmulator.start();
    // Smartcar retries what got a 5xx; the same bodies are posted again.
    const retryResults = await post(pipeline, during);
    const afterResults = await post(pipeline, after);
    const all = [...before, ...during, ...after];
    await pipeline.waitFor((s) => s.queued === 0 && s.processedTotal >= all.length, 60_000);

    // Assess
    expect(beforeResults.map((r) => r.status)).toEqual(before.map(() => 200));
    expect(duringResults.every((r) => r.status !== undefined && r.status >= 500)).toBe(true);
    expect(retryResults.map((r) => r.status)).toEqual(during.map(() => 200));
    expect(afterResults.map((r) => r.status)).toEqual(after.map(() => 200));
    expect(all.filter((d) => log.completed.get(d.eventId) !== 1)).toEqual([]);
    expect(pipeline.stats().receiverErrors).toBe(during.length);
  }, 90_000);

  it('retries events while the handler throws and handles each exactly once after it recovers', async () => {
    // Prepare
    const log = newHandlerLog();
    let failing = true;
    pipeline = await startTestPipeline({ handlers: recordingHandlers(log, () => (failing ? 'throw' : 'run')) });
    const deliveries = fleetDeliveries(pipeline.amt, BATCH, 'flaky');

    // Act
    const results = await post(pipeline, deliveries);
    await pipeline.waitFor(() => deliveries.every((d) => (log.threw.get(d.eventId) ?? 0) >= 1), 30_000);
    failing = false;
    const settled = await pipeline.waitFor((s) => s.queued === 0 && s.processedTotal >= deliveries.length, 60_000);

    // Assess
    expect(results.map((r) => r.status)).toEqual(deliveries.map(() => 200));
    expect(deliveries.filter((d) => log.completed.get(d.eventId) !== 1)).toEqual([]);
    expect(deliveries.every((d) => Math.min(...log.completedOnAttempt.get(d.eventId)!) >= 2)).toBe(true);
    expect(settled.dlq).toBe(0);
    expect(settled.failed).toBeGreaterThanOrEqual(deliveries.length);
  }, 90_000);

  it('fails and retries records while DynamoDB is down, marking none done, and processes them once it is back', async () => {
    // Prepare
    const log = newHandlerLog();
    pipeline = await startTestPipeline({ handlers: recordingHandlers(log) });
    const deliveries = fleetDeliveries(pipeline.amt, BATCH, 'ddb');
    await pipeline.dynamoEmulator.stop();

    // Act
    const results = await post(pipeline, deliveries);
    const whileDown = await pipeline.waitFor((s) => s.failed >= deliveries.length, 60_000);
    await pipeline.poller.stop();
    await pipeline.dynamoEmulator.start();
    const doneWhileDown = await completedIdempotencyKeys(pipeline);
    const handledWhileDown = log.completed.size;
    pipeline.poller.start();
    const settled = await pipeline.waitFor((s) => s.queued === 0 && s.processedTotal >= deliveries.length, 60_000);

    // Assess
    expect(results.map((r) => r.status)).toEqual(deliveries.map(() => 200));
    expect(whileDown.processedTotal).toBe(0);
    expect(handledWhileDown).toBe(0);
    expect(doneWhileDown).toEqual([]);
    expect(deliveries.filter((d) => log.completed.get(d.eventId) !== 1)).toEqual([]);
    expect(settled.dlq).toBe(0);
    expect(await completedIdempotencyKeys(pipeline)).toHaveLength(deliveries.length);
  }, 120_000);

  it('redelivers the batch of a processor killed mid-batch after the visibility timeout', async () => {
    // Prepare
    const log = newHandlerLog();
    let crashing = true;
    const hung = new Set<string>();
    pipeline = await startTestPipeline({
      handlers: recordingHandlers(log, (event) => {
        if (!crashing) return 'run';
        hung.add(event.eventId);
        return 'hang';
      }),
    });
    const deliveries = fleetDeliveries(pipeline.amt, BATCH, 'crash');

    // Act
    const results = await post(pipeline, deliveries);
    await pipeline.waitFor(() => hung.size > 0, 30_000);
    // The invocation dies with its batch in flight; a fresh poller (a new Lambda) takes over.
    pipeline.poller.kill();
    crashing = false;
    pipeline.poller.start();
    const settled = await pipeline.waitFor((s) => s.queued === 0 && s.processedTotal >= deliveries.length, 60_000);

    // Assess
    expect(results.map((r) => r.status)).toEqual(deliveries.map(() => 200));
    expect(hung.size).toBeGreaterThan(0);
    expect(deliveries.filter((d) => log.completed.get(d.eventId) !== 1)).toEqual([]);
    expect([...hung].every((id) => log.completedOnAttempt.get(id)!.every((attempt) => attempt >= 2))).toBe(true);
    expect(settled.dlq).toBe(0);
  }, 90_000);
});
