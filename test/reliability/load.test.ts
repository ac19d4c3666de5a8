import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../local/types.ts';
import {
  drainDeadLetters,
  goodDelivery,
  newHandlerLog,
  POISON_VEHICLE_PREFIX,
  poisonDelivery,
  post,
  recordingHandlers,
  redelivery,
  startTestPipeline,
  type TestDelivery,
} from './helpers.ts';

const EVENTS = 2_000;
const DUPLICATE_EVERY = 10;
const POISON_EVERY = 100;
const VEHICLES = 200;

describe('Reliability: load through the local pipeline', () => {
  const log = newHandlerLog();
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    pipeline = await startTestPipeline({
      handlers: recordingHandlers(log, (event) =>
        event.vehicleId.startsWith(POISON_VEHICLE_PREFIX) ? 'throw' : 'run',
      ),
    });
  });

  afterAll(() => pipeline?.stop());

  it('handles every good event exactly once, dead-letters every poison event, loses and doubles nothing', async () => {
    // Prepare
    const fleet = Array.from({ length: VEHICLES }, (_, i) => `veh-load-${i}`);
    const deliveries: TestDelivery[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const isPoison = i % POISON_EVERY === POISON_EVERY - 1;
      const delivery = isPoison
        ? poisonDelivery(pipeline.amt, i % (2 * POISON_EVERY) < POISON_EVERY ? 'malformed' : 'handler')
        : goodDelivery(pipeline.amt, { vehicleId: fleet[i % fleet.length]! });
      deliveries.push(delivery);
      if (i % DUPLICATE_EVERY === 0) deliveries.push(redelivery(pipeline.amt, delivery));
    }
    const good = new Set(deliveries.filter((d) => d.kind === 'good').map((d) => d.eventId));
    const poison = new Set(deliveries.filter((d) => d.kind.startsWith('poison')).map((d) => d.eventId));

    // Act
    const results = await post(pipeline, deliveries);
    const settled = await pipeline.waitFor(
      (s) => s.queued === 0 && s.processedTotal >= good.size && s.dlq >= poison.size,
      120_000,
    );
    const deadLetters = await drainDeadLetters(pipeline);

    // Assess
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(good.size).toBe(EVENTS - EVENTS / POISON_EVERY);
    expect(deliveries.length - EVENTS).toBe(EVENTS / DUPLICATE_EVERY);
    const notExactlyOnce = [...good].filter((id) => log.completed.get(id) !== 1);
    expect(notExactlyOnce).toEqual([]);
    expect(log.completed.size).toBe(good.size);
    expect(new Set(deadLetters)).toEqual(poison);
    expect(deadLetters).toHaveLength(poison.size);
    expect(settled.processedTotal).toBe(good.size);
    expect(settled.duplicates).toBeGreaterThan(0);
  }, 180_000);
});
