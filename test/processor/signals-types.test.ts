import { describe, expectTypeOf, it } from 'vitest';
import type { SignalBody } from '../../lambda/processor/signals/types.ts';
import type { VehicleSnapshot, VehicleStateEvent } from '../../lambda/processor/types.ts';

// Type-level tests: `npm run typecheck` (tsc over test/) fails when one of these types changes;
// at run time the assertions are no-ops.

describe('typed signal access (types)', () => {
  it('types a documented signal as Smartcar documents it, and an unknown code as unknown', () => {
    const check = (event: VehicleStateEvent, snapshot: VehicleSnapshot) => {
      expectTypeOf(event.signal('tractionbattery-stateofcharge')?.body.value).toEqualTypeOf<number | undefined>();
      expectTypeOf(event.signal('tractionbattery-stateofcharge')?.body.unit).toEqualTypeOf<'percent' | undefined>();
      expectTypeOf(snapshot.signal('tractionbattery-stateofcharge')?.body.value).toEqualTypeOf<number | undefined>();
      expectTypeOf(event.signal('charge-ischarging')?.body.value).toEqualTypeOf<boolean | undefined>();
      expectTypeOf(event.signal('odometer-traveleddistance')?.body.unit).toEqualTypeOf<
        'kilometers' | 'miles' | undefined
      >();
      expectTypeOf(event.signal('vendor-somethingnew')?.body).toEqualTypeOf<unknown>();
      expectTypeOf(event.signals[0]?.body).toEqualTypeOf<Record<string, unknown> | undefined>();
    };
    expectTypeOf(check).toBeFunction();
    expectTypeOf<SignalBody<'tractionbattery-stateofcharge'>>().toEqualTypeOf<{ value: number; unit: 'percent' }>();
    expectTypeOf<SignalBody<'location-preciselocation'>['latitude']>().toEqualTypeOf<number>();
    expectTypeOf<SignalBody<'location-preciselocation'>['heading']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<SignalBody<'not-a-signal'>>().toEqualTypeOf<unknown>();
  });
});
