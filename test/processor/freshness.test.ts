import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeSignals } from '../../lambda/processor/store/freshness.ts';
import type { Signal, StoredSignal } from '../../lambda/processor/types.ts';

function signal(code: string, value: number, meta: Signal['meta']): Signal {
  return { code, body: { value }, meta };
}

interface GeneratedSignal {
  code: string;
  value: number;
  oemUpdatedAt: number | undefined;
  retrievedAt: number;
}

/** One event's worth of signals: codes from a small set, timestamps from a small range (ties happen). */
const eventArb: fc.Arbitrary<{ eventId: string; signals: GeneratedSignal[] }> = fc.record({
  eventId: fc.uuid(),
  signals: fc.array(
    fc.record({
      code: fc.constantFrom('a', 'b', 'c'),
      value: fc.integer({ min: 0, max: 100 }),
      oemUpdatedAt: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
      retrievedAt: fc.integer({ min: 1, max: 20 }),
    }),
    { maxLength: 4 },
  ),
});

function toSignals(event: readonly GeneratedSignal[]): Signal[] {
  return event.map(({ code, value, oemUpdatedAt, retrievedAt }) =>
    signal(code, value, oemUpdatedAt === undefined ? { retrievedAt } : { oemUpdatedAt, retrievedAt }),
  );
}

describe('mergeSignals', () => {
  it('stores the same state whatever order the events arrive in', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 6 }).chain((events) =>
          fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length })),
        ),
        ([inOrder, shuffled]) => {
          // Act
          const apply = (events: typeof inOrder): Record<string, StoredSignal> =>
            events.reduce<Record<string, StoredSignal>>(
              (stored, event) => mergeSignals(stored, toSignals(event.signals), event.eventId).signals,
              {},
            );

          // Assess
          expect(apply(shuffled)).toEqual(apply(inOrder));
        },
      ),
    );
  });

  it('keeps the value with the newest oemUpdatedAt, falling back to the retrieval time', () => {
    // Prepare
    const stored = mergeSignals({}, [signal('a', 1, { oemUpdatedAt: 10, retrievedAt: 50 }), signal('b', 1, { retrievedAt: 10 })], 'e1');

    // Act
    const result = mergeSignals(
      stored.signals,
      [signal('a', 2, { oemUpdatedAt: 9, retrievedAt: 60 }), signal('b', 2, { retrievedAt: 11 })],
      'e2',
    );

    // Assess
    expect(result.stale).toEqual(['a']);
    expect(result.applied).toEqual(['b']);
    expect(result.signals.a?.body).toEqual({ value: 1 });
    expect(result.signals.b).toMatchObject({ body: { value: 2 }, orderedAt: 11, eventId: 'e2' });
  });

  it('counts a repeated value as unchanged, not stale, and never stores a failed read', () => {
    // Prepare
    const stored = mergeSignals({}, [signal('a', 1, { oemUpdatedAt: 10, retrievedAt: 12 })], 'e1');

    // Act
    const result = mergeSignals(
      stored.signals,
      [
        signal('a', 1, { oemUpdatedAt: 10, retrievedAt: 12 }),
        { code: 'b', status: { value: 'ERROR' }, meta: {} },
        { code: 'c', body: { value: 3 }, meta: {} },
      ],
      'e1',
    );

    // Assess
    expect(result).toMatchObject({ applied: [], stale: [], unchanged: ['a'], skipped: ['b', 'c'], changed: false });
    expect(Object.keys(result.signals)).toEqual(['a']);
  });
});
