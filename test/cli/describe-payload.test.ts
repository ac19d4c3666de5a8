import { describe, expect, it } from 'vitest';
import { describePayload } from '../../bin/cli/describe-payload.ts';
import { buildVehicleError, buildVehicleState, buildVerify } from '../../bin/cli/sample-events.ts';
import { parseEvent } from '../../lambda/processor/parse-event.ts';

describe('describePayload', () => {
  it.each([
    ['a top-level vehicleId', buildVehicleState({ vehicleId: 'veh-top' })],
    ['only data.vehicle.id', buildVehicleError({ vehicleId: 'veh-nested', variant: 'captured' })],
    ['an empty top-level vehicleId', { ...buildVehicleError({ vehicleId: 'veh-fallback' }), vehicleId: '' }],
  ])('reads the vehicle id the processor keys on from a body with %s', (_shape, payload) => {
    // Prepare
    const body = JSON.stringify(payload);

    // Act
    const described = describePayload(body);
    const parsed = parseEvent(body);

    // Assess
    if (parsed.kind !== 'event') throw new Error(`expected an event, got ${parsed.kind}`);
    expect(described).toMatchObject({ eventType: parsed.event.eventType, eventId: parsed.event.eventId });
    expect(described.vehicleId).toBe(parsed.event.vehicleId);
  });

  it('reads a VERIFY challenge from a Buffer', () => {
    // Prepare
    const deliveredAt = Date.UTC(2026, 11, 1, 8, 0, 0);
    const body = Buffer.from(JSON.stringify(buildVerify({ challenge: 'abc123', eventId: 'e-verify', deliveredAt })));

    // Act
    const described = describePayload(body);

    // Assess: `meta.deliveredAt` is read too, as epoch ms (send explains a stale_delivery with it).
    expect(described).toEqual({
      eventType: 'VERIFY',
      eventId: 'e-verify',
      challenge: 'abc123',
      deliveredAt,
    });
  });

  it.each(['not json', '[1,2]', 'null', '"VEHICLE_STATE"'])('describes nothing of %j', (body) => {
    // Act
    const described = describePayload(body);

    // Assess
    expect(described).toEqual({});
  });
});
