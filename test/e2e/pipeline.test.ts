import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSignature } from '../../lambda/core/signature.ts';
import type { LocalDeliveryStatus } from '../../local/api/types.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { errorDelivery, post, redelivery, stateDelivery, verifyDelivery } from './support.ts';

describe('local pipeline end to end (real HTTP, real emulators)', () => {
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    pipeline = await startPipeline({
      port: 0,
      quiet: true,
      logLevel: 'ERROR',
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
    });
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it('processes each signed event exactly once, Smartcar retries with the same eventId included', async () => {
    // Prepare
    const before = await pipeline.refreshStats();
    const originals = [1, 2, 3].map(() => stateDelivery(pipeline.amt));
    const retries = originals.map((d) => redelivery(d, pipeline.amt));

    // Act
    const statuses = [];
    for (const delivery of [...originals, ...retries])
      statuses.push((await post(pipeline.webhookUrl, delivery)).status);
    const after = await pipeline.waitFor(
      (s) => s.processedTotal - before.processedTotal + s.duplicates - before.duplicates === 6 && s.queued === 0,
    );

    // Assess
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(after.enqueued - before.enqueued).toBe(6);
    expect((after.processed.VEHICLE_STATE ?? 0) - (before.processed.VEHICLE_STATE ?? 0)).toBe(3);
    expect(after.duplicates - before.duplicates).toBe(3);
    expect(after.dlq).toBe(0);
  });

  it('accepts VEHICLE_ERROR on the error-callback route and processes it', async () => {
    // Prepare
    const before = await pipeline.refreshStats();
    const delivery = errorDelivery(pipeline.amt);

    // Act
    const response = await post(pipeline.errorCallbackUrl, delivery);
    const after = await pipeline.waitFor(
      (s) => (s.processed.VEHICLE_ERROR ?? 0) > (before.processed.VEHICLE_ERROR ?? 0),
    );

    // Assess
    expect(response.status).toBe(200);
    expect((after.processed.VEHICLE_ERROR ?? 0) - (before.processed.VEHICLE_ERROR ?? 0)).toBe(1);
  });

  it('answers 401 to a bad signature and enqueues nothing', async () => {
    // Prepare: with the poller stopped, anything enqueued would stay in the queue.
    await pipeline.poller.stop();
    const before = await pipeline.refreshStats();
    const forged = stateDelivery('not-the-amt');

    try {
      // Act
      const response = await post(pipeline.webhookUrl, forged);
      const after = await pipeline.refreshStats();

      // Assess
      expect(response.status).toBe(401);
      expect(after.rejected - before.rejected).toBe(1);
      expect(after.enqueued).toBe(before.enqueued);
      expect(after.queued).toBe(0);
    } finally {
      pipeline.poller.start();
    }
  });

  it('answers VERIFY with HMAC-SHA256(AMT, challenge) as JSON', async () => {
    // Prepare
    const challenge = 'c0ffee-challenge-1234';

    // Act
    const response = await fetch(pipeline.webhookUrl, {
      method: 'POST',
      ...verifyDelivery(pipeline.amt, challenge),
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ challenge: computeSignature(pipeline.amt, challenge) });
  });

  it('delivers a body API Gateway base64-encodes (non-text content type) with its signature intact', async () => {
    // Prepare
    const before = await pipeline.refreshStats();
    const delivery = stateDelivery(pipeline.amt);
    delivery.headers['content-type'] = 'application/octet-stream';

    // Act
    const response = await post(pipeline.webhookUrl, delivery);
    const after = await pipeline.waitFor((s) => s.processedTotal > before.processedTotal);

    // Assess
    expect(response.status).toBe(200);
    expect(after.processedTotal - before.processedTotal).toBe(1);
  });

  it('answers 404 outside the two POST routes, like the HTTP API', async () => {
    // Act
    const unknownPath = await fetch(`${pipeline.url}/webhooks/other`, { method: 'POST', body: '{}' });
    const wrongMethod = await fetch(pipeline.webhookUrl, { method: 'GET' });

    // Assess
    expect(unknownPath.status).toBe(404);
    expect(await unknownPath.json()).toEqual({ message: 'Not Found' });
    expect(wrongMethod.status).toBe(404);
  });

  it('serves the live counts as JSON at /_local/stats', async () => {
    // Act
    const response = await fetch(`${pipeline.url}/_local/stats`);
    const stats = (await response.json()) as Record<string, unknown>;

    // Assess
    expect(response.status).toBe(200);
    for (const key of ['received', 'enqueued', 'rejected', 'processed', 'duplicates', 'stale', 'failed', 'dlq']) {
      expect(stats).toHaveProperty(key);
    }
    expect(stats.received).toBe(pipeline.stats().received);
  });

  it('answers a processed eventId COMPLETED at /_local/deliveries/{eventId}, and 404 for one it never saw', async () => {
    // Prepare
    const before = await pipeline.refreshStats();
    const delivery = stateDelivery(pipeline.amt);
    await post(pipeline.webhookUrl, delivery);
    await pipeline.waitFor((s) => s.processedTotal > before.processedTotal);

    // Act
    const known = await fetch(`${pipeline.url}/_local/deliveries/${encodeURIComponent(delivery.eventId)}`);
    const unknown = await fetch(`${pipeline.url}/_local/deliveries/never-sent`);

    // Assess
    const body = (await known.json()) as LocalDeliveryStatus;
    expect([known.status, { eventId: body.eventId, status: body.status }]).toEqual([
      200,
      { eventId: delivery.eventId, status: 'COMPLETED' },
    ]);
    // What the deliveries log adds: one attempt, no error.
    expect(body.attempts).toHaveLength(1);
    expect(body.attempts?.[0]?.error).toBeUndefined();
    expect(body.lastError).toBeUndefined();
    expect(unknown.status).toBe(404);
  });
});
