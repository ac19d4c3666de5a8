import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VehicleStateEvent } from '../../lambda/processor/types.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { post, stateDelivery } from './support.ts';

describe('local pipeline under faults: SQS down, DynamoDB down, processor killed mid-batch', () => {
  let pipeline: LocalPipeline;
  /** Handler calls per eventId that block until released (the "mid-batch" test). */
  const gates = new Map<string, Promise<void>>();
  const entered = new Map<string, () => void>();

  beforeAll(async () => {
    pipeline = await startPipeline({
      port: 0,
      quiet: true,
      logLevel: 'SILENT',
      visibilityTimeoutSeconds: 2,
      waitTimeSeconds: 1,
      handlers: {
        VEHICLE_STATE: async (event: VehicleStateEvent) => {
          entered.get(event.eventId)?.();
          await gates.get(event.eventId);
        },
      },
    });
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it('answers 5xx, never 2xx, while SQS is down, and processes every resent event once it is back', async () => {
    // Prepare
    const deliveries = [1, 2, 3].map(() => stateDelivery(pipeline.amt));
    const before = await pipeline.refreshStats();
    await pipeline.sqsEmulator.stop();

    // Act: Smartcar delivers during the outage...
    const during = [];
    for (const delivery of deliveries) during.push((await post(pipeline.webhookUrl, delivery)).status);
    await pipeline.sqsEmulator.start();
    // ...and retries after it
    const retried = [];
    for (const delivery of deliveries) retried.push((await post(pipeline.webhookUrl, delivery)).status);
    const after = await pipeline.waitFor((s) => s.processedTotal - before.processedTotal === 3 && s.queued === 0);

    // Assess
    for (const status of during) expect(status).toBeGreaterThanOrEqual(500);
    expect(after.receiverErrors - before.receiverErrors).toBe(3);
    expect(retried).toEqual([200, 200, 200]);
    expect(after.duplicates - before.duplicates).toBe(0);
    expect(after.dlq).toBe(0);
  });

  it('keeps an event in the queue while DynamoDB is down and processes it once DynamoDB is back', async () => {
    // Prepare
    const delivery = stateDelivery(pipeline.amt);
    const before = await pipeline.refreshStats();
    await pipeline.dynamoEmulator.stop();

    // Act
    const response = await post(pipeline.webhookUrl, delivery);
    await pipeline.waitFor((s) => s.failed > before.failed);
    await pipeline.dynamoEmulator.start();
    const after = await pipeline.waitFor((s) => s.processedTotal > before.processedTotal && s.queued === 0);

    // Assess
    expect(response.status).toBe(200);
    expect(after.processedTotal - before.processedTotal).toBe(1);
    expect(after.dlq).toBe(0);
  });

  it('redelivers a batch whose processor was killed mid-batch, without processing it twice', async () => {
    // Prepare: the handler blocks until released, so the kill lands mid-batch
    const delivery = stateDelivery(pipeline.amt);
    let release!: () => void;
    gates.set(delivery.eventId, new Promise<void>((resolve) => (release = resolve)));
    const handlerEntered = new Promise<void>((resolve) => entered.set(delivery.eventId, resolve));
    const before = await pipeline.refreshStats();

    // Act
    expect((await post(pipeline.webhookUrl, delivery)).status).toBe(200);
    await handlerEntered;
    pipeline.poller.kill();
    release();
    pipeline.poller.start();
    const after = await pipeline.waitFor((s) => s.duplicates > before.duplicates && s.queued === 0, 20_000);

    // Assess: the abandoned batch was not deleted, so SQS redelivered it; idempotency kept it single
    expect(after.processedTotal - before.processedTotal).toBe(1);
    expect(after.duplicates - before.duplicates).toBe(1);
    expect(after.dlq).toBe(0);
  });
});
