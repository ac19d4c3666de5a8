import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHandlers } from '../../lambda/processor/handlers/index.ts';
import type { EventHandlers } from '../../lambda/processor/types.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { post, stateDelivery } from './support.ts';

const VISIBILITY_SECONDS = 2;

describe('local pipeline: a batch that outlives its invocation timeout', () => {
  let pipeline: LocalPipeline;
  const runs = new Map<string, number>();
  // The first run of each event takes longer than the visibility timeout, so its message comes
  // back while the abandoned run is still going (Lambda would have stopped it).
  const slowOnce: Partial<EventHandlers> = {
    VEHICLE_STATE: async (event, context) => {
      const run = (runs.get(event.eventId) ?? 0) + 1;
      runs.set(event.eventId, run);
      if (run === 1) await sleep((VISIBILITY_SECONDS + 1) * 1000);
      await defaultHandlers.VEHICLE_STATE(event, context);
    },
  };

  beforeAll(async () => {
    pipeline = await startPipeline({
      port: 0,
      quiet: true,
      logLevel: 'ERROR',
      visibilityTimeoutSeconds: VISIBILITY_SECONDS,
      waitTimeSeconds: 1,
      handlers: slowOnce,
    });
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it('runs the business handler once: the redelivered copy waits for the abandoned run', async () => {
    // Prepare
    const delivery = stateDelivery(pipeline.amt);

    // Act
    const response = await post(pipeline.webhookUrl, delivery);
    const after = await pipeline.waitFor((s) => s.processedTotal === 1 && s.queued === 0, 20_000);

    // Assess
    expect(response.status).toBe(200);
    expect([...runs.values()]).toEqual([1]);
    expect(after.processedTotal).toBe(1);
    expect(after.dlq).toBe(0);
  });
});
