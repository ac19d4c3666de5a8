import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleError, buildVehicleState, buildVerify } from '../../bin/cli/sample-events.ts';
import { METRIC, PIPELINE_DEFAULTS, SMARTCAR_DELIVERY } from '../../lambda/core/constants.ts';
import { useTestQueue } from '../helpers/sqs.ts';
import { bodyOf, buildReceiver, httpApiEvent, NOW, signedEvent } from './factories.ts';

// The replay window on meta.deliveredAt, against the real loopback SQS emulator: what is refused
// must leave the queue empty, what is accepted must be in it.

const queue = useTestQueue('delivery-age');
const TOLERANCE_SECONDS = PIPELINE_DEFAULTS.deliveryToleranceSeconds;
const TOLERANCE_MS = TOLERANCE_SECONDS * 1000;
const THIRTY_DAYS_MS = 30 * 86_400_000;

afterEach(() => {
  vi.restoreAllMocks();
});

/** A receiver whose clock reads `NOW`, with the stack's default tolerance unless told otherwise. */
function receiver(deliveryToleranceSeconds = TOLERANCE_SECONDS): ReturnType<typeof buildReceiver> {
  return buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl, deliveryToleranceSeconds });
}

/** A signed VEHICLE_STATE body whose `meta.deliveredAt` is `deliveredAt` (left out when `undefined`). */
function stateBody(deliveredAt: unknown): string {
  const payload = buildVehicleState({ eventId: 'evt-age' });
  const meta = { ...(payload.meta as Record<string, unknown>) };
  if (deliveredAt === undefined) delete meta.deliveredAt;
  else meta.deliveredAt = deliveredAt;
  return JSON.stringify({ ...payload, meta });
}

describe('replay window: a signed delivery is refused when meta.deliveredAt is outside the tolerance', () => {
  it.each([
    ['exactly the tolerance old', NOW - TOLERANCE_MS],
    ['exactly the tolerance ahead', NOW + TOLERANCE_MS],
    ['as ISO-8601, a second old', new Date(NOW - 1_000).toISOString()],
    // Smartcar's payload reference stamps `"deliveredAt": 1700000000`: epoch seconds.
    ['in epoch seconds, 3 s old', Math.floor(NOW / 1000) - 3],
    ['in epoch seconds as a numeric string, 3 s old', String(Math.floor(NOW / 1000) - 3)],
    ['in epoch microseconds, 3 s old', (NOW - 3_000) * 1000],
    ['in epoch nanoseconds, 3 s old', (NOW - 3_000) * 1e6],
  ])('accepts a delivery %s', async (_label, deliveredAt) => {
    // Prepare
    const { handler } = receiver();
    const body = stateBody(deliveredAt);

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(result.statusCode).toBe(200);
    expect((await queue().drain()).map((m) => m.Body)).toEqual([body]);
  });

  it.each([
    ['1 ms older than the tolerance', NOW - TOLERANCE_MS - 1, TOLERANCE_SECONDS],
    ['1 ms further ahead than the tolerance', NOW + TOLERANCE_MS + 1, -TOLERANCE_SECONDS],
    ['captured on 2020-01-01 (ISO-8601)', '2020-01-01T00:00:00.000Z', (NOW - Date.UTC(2020, 0, 1)) / 1000],
    ['captured on 2020-01-01 (epoch ms)', Date.UTC(2020, 0, 1), (NOW - Date.UTC(2020, 0, 1)) / 1000],
    ['as a numeric string, an hour old', String(NOW - 3_600_000), 3_600],
    // The same capture, 30 days old, in every unit Smartcar could stamp it in: one verdict.
    ['captured 30 days ago (epoch ms)', NOW - THIRTY_DAYS_MS, THIRTY_DAYS_MS / 1000],
    ['captured 30 days ago (epoch seconds)', (NOW - THIRTY_DAYS_MS) / 1000, THIRTY_DAYS_MS / 1000],
    [
      'captured 30 days ago (epoch seconds, numeric string)',
      String((NOW - THIRTY_DAYS_MS) / 1000),
      THIRTY_DAYS_MS / 1000,
    ],
    ['captured 30 days ago (epoch microseconds)', (NOW - THIRTY_DAYS_MS) * 1000, THIRTY_DAYS_MS / 1000],
    ['stamped a day ahead (epoch seconds)', (NOW + 86_400_000) / 1000, -86_400],
  ])(
    'refuses a delivery %s with 400 stale_delivery, enqueues nothing and counts it as SignedDeliveryRefused (reason stale_delivery)',
    async (_label, deliveredAt, ageSeconds) => {
      // Prepare
      const { handler, outcomes, telemetry } = receiver();
      const body = stateBody(deliveredAt);

      // Act
      const result = await handler(signedEvent(body));

      // Assess
      expect(result.statusCode).toBe(400);
      expect(bodyOf(result)).toEqual({ error: 'stale_delivery' });
      expect(await queue().drain()).toEqual([]);
      expect(outcomes).toMatchObject([{ code: 'stale_delivery', enqueued: false, eventId: 'evt-age' }]);
      expect(telemetry.emf()).toMatchObject([{ [METRIC.SIGNED_DELIVERY_REFUSED]: 1, reason: 'stale_delivery' }]);
      const [log] = telemetry.logs();
      expect(log).toMatchObject({
        level: 'WARN',
        code: 'stale_delivery',
        ageSeconds,
        toleranceSeconds: TOLERANCE_SECONDS,
      });
    },
  );

  it('refuses a stale VEHICLE_ERROR on the error route too (a replay could flip RESOLVED back to ERROR)', async () => {
    // Prepare
    const { handler } = receiver();
    const payload = buildVehicleError({ deliveredAt: NOW - 2 * TOLERANCE_MS });
    const body = JSON.stringify(payload);

    // Act
    const result = await handler(signedEvent(body, { path: '/webhooks/smartcar/errors' }));

    // Assess
    expect(result.statusCode).toBe(400);
    expect(await queue().drain()).toEqual([]);
  });

  it("accepts Smartcar's last retry even if deliveredAt were stamped only at the first attempt", async () => {
    // Prepare: the worst case the docs allow, every attempt timing out before its retry.
    const { handler } = receiver();
    const body = stateBody(NOW - SMARTCAR_DELIVERY.retrySpanSeconds * 1000);

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(await queue().drain()).toHaveLength(1);
  });
});

describe('replay window: what is never refused for age', () => {
  it('answers a signed VERIFY dated 2020: VERIFY is never refused for age, and never enqueued', async () => {
    // Prepare
    const { handler } = receiver();
    const body = JSON.stringify(buildVerify({ challenge: 'abc123', deliveredAt: '2020-01-01T00:00:00.000Z' }));

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toHaveProperty('challenge');
    expect(await queue().drain()).toEqual([]);
  });

  it('answers an unsigned VERIFY with an opaque challenge whatever its deliveredAt', async () => {
    // Prepare
    const { handler } = receiver();
    const body = JSON.stringify(buildVerify({ challenge: 'abc123', deliveredAt: NOW - 10 * TOLERANCE_MS }));

    // Act
    const result = await handler(httpApiEvent({ body }));

    // Assess
    expect(result.statusCode).toBe(200);
  });

  it.each([
    ['no meta.deliveredAt (legacy shape)', undefined, 'missing'],
    ['meta.deliveredAt null', null, 'missing'],
    ['a date that is not a date', 'yesterday', 'unreadable'],
    ['a boolean', true, 'unreadable'],
    ['an object', { at: NOW }, 'unreadable'],
    ['a clock reset to 1970 (5 s after the epoch in any unit)', 5, 'unreadable'],
    ['a negative number', -1_790_000_000, 'unreadable'],
    ['a magnitude between two units (1e11: year 5138 in s, 1973 in ms)', 1e11, 'unreadable'],
    ['a date string that is not ISO-8601', 'Tue, 01 Dec 2026 08:00:00 GMT', 'unreadable'],
  ])('accepts a signed delivery with %s, and counts DeliveryAgeUnchecked', async (_label, deliveredAt, verdict) => {
    // Prepare
    const { handler, telemetry } = receiver();
    const body = stateBody(deliveredAt);

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(result.statusCode).toBe(200);
    expect((await queue().drain()).map((m) => m.Body)).toEqual([body]);
    // One EMF line per request, as always: the extra count rides on the EventReceived line.
    expect(telemetry.emf()).toMatchObject([{ [METRIC.EVENT_RECEIVED]: 1, [METRIC.DELIVERY_AGE_UNCHECKED]: 1 }]);
    expect(telemetry.logs()).toMatchObject([{ code: 'enqueued', deliveryAge: verdict }]);
  });

  it('does not count DeliveryAgeUnchecked for a fresh delivery', async () => {
    // Prepare
    const { handler, telemetry } = receiver();

    // Act
    await handler(signedEvent(stateBody(NOW)));

    // Assess
    expect(telemetry.emf()).toHaveLength(1);
    expect(telemetry.emf()[0]).not.toHaveProperty(METRIC.DELIVERY_AGE_UNCHECKED);
  });

  it('checks nothing when the tolerance is 0', async () => {
    // Prepare
    const { handler, telemetry } = receiver(0);
    const body = stateBody('2020-01-01T00:00:00.000Z');

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(await queue().drain()).toHaveLength(1);
    expect(telemetry.emf()[0]).not.toHaveProperty(METRIC.DELIVERY_AGE_UNCHECKED);
  });

  it('checks the signature first: an old body with a bad signature is 401, not stale_delivery', async () => {
    // Prepare
    const { handler } = receiver();
    const body = stateBody('2020-01-01T00:00:00.000Z');

    // Act
    const result = await handler(signedEvent(body, { amt: 'not-the-amt' }));

    // Assess
    expect(result.statusCode).toBe(401);
  });
});
