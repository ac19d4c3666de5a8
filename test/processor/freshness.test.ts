import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeSignals } from '../../lambda/processor/store/freshness.ts';
import type { Signal, SignalMergeResult, StoredSignal } from '../../lambda/processor/types.ts';

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

/** The stored values without `appliedBy`, which records who changed a value first (history, not state). */
function values(stored: Record<string, StoredSignal>): Record<string, Omit<StoredSignal, 'appliedBy'>> {
  return Object.fromEntries(Object.entries(stored).map(([code, { appliedBy: _history, ...value }]) => [code, value]));
}

/** Like Smartcar's events: each signal code at most once per event. */
const realisticEventArb = eventArb.map((event) => ({
  ...event,
  signals: event.signals.filter((s, i, all) => all.findIndex((other) => other.code === s.code) === i),
}));

function report(result: Pick<SignalMergeResult, 'applied' | 'stale' | 'unchanged' | 'skipped'>) {
  return { applied: result.applied, stale: result.stale, unchanged: result.unchanged, skipped: result.skipped };
}

describe('mergeSignals', () => {
  it('stores the same state whatever order the events arrive in', () => {
    fc.assert(
      fc.property(
        fc
          .array(eventArb, { minLength: 1, maxLength: 6 })
          .chain((events) =>
            fc.tuple(
              fc.constant(events),
              fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
            ),
          ),
        ([inOrder, shuffled]) => {
          // Act
          const apply = (events: typeof inOrder): Record<string, StoredSignal> =>
            events.reduce<Record<string, StoredSignal>>(
              (stored, event) => mergeSignals(stored, toSignals(event.signals), event.eventId).signals,
              {},
            );

          // Assess
          expect(values(apply(shuffled))).toEqual(values(apply(inOrder)));
        },
      ),
    );
  });

  it('lets a later-retrieved copy from the event credited with a value win in any order (found by the property above)', () => {
    // Prepare: E1 first sets a=7 (retrieved at 1), E2 repeats 7 (retrieved at 2), E1 also carries 9 (retrieved at 3)
    const e1 = [
      signal('a', 7, { oemUpdatedAt: 5, retrievedAt: 1 }),
      signal('a', 9, { oemUpdatedAt: 5, retrievedAt: 3 }),
    ];
    const e2 = [signal('a', 7, { oemUpdatedAt: 5, retrievedAt: 2 })];
    const merge = (order: [Signal[], string][]) =>
      order.reduce<Record<string, StoredSignal>>((stored, [event, id]) => mergeSignals(stored, event, id).signals, {});

    // Act
    const e1First = merge([
      [e1, 'E1'],
      [e2, 'E2'],
    ]);
    const e2First = merge([
      [e2, 'E2'],
      [e1, 'E1'],
    ]);

    // Assess: the copy retrieved last (9) is kept both ways
    expect(e1First.a?.body).toEqual({ value: 9 });
    expect(values(e1First)).toEqual(values(e2First));
  });

  it('reports the same thing when an event is merged again right after (a retry), and writes nothing', () => {
    fc.assert(
      fc.property(fc.array(realisticEventArb, { maxLength: 5 }), realisticEventArb, (earlier, event) => {
        // Prepare
        const stored = earlier.reduce<Record<string, StoredSignal>>(
          (state, e) => mergeSignals(state, toSignals(e.signals), e.eventId).signals,
          {},
        );
        const first = mergeSignals(stored, toSignals(event.signals), event.eventId);

        // Act
        const retry = mergeSignals(first.signals, toSignals(event.signals), event.eventId);

        // Assess
        expect(report(retry)).toEqual(report(first));
        expect(retry.changed).toBe(false);
      }),
    );
  });

  it('counts a value this event applied as applied on its retry, and an older event arriving later as nothing applied', () => {
    // Prepare
    const first = mergeSignals({}, [signal('a', 50, { oemUpdatedAt: 10, retrievedAt: 11 })], 'e-new');

    // Act
    const retry = mergeSignals(first.signals, [signal('a', 50, { oemUpdatedAt: 10, retrievedAt: 11 })], 'e-new');
    const older = mergeSignals(retry.signals, [signal('a', 90, { oemUpdatedAt: 5, retrievedAt: 6 })], 'e-old');

    // Assess
    expect(first.applied).toEqual(['a']);
    expect(retry).toMatchObject({ applied: ['a'], changed: false });
    expect(older).toMatchObject({ applied: [], stale: ['a'], changed: false });
  });

  it('keeps the credit for a value with the event that changed it when a later copy of the same value wins the tie', () => {
    // Prepare: same timestamp and body; e2 sorts after e1, so its copy replaces e1's.
    const first = mergeSignals({}, [signal('a', 1, { oemUpdatedAt: 10, retrievedAt: 12 })], 'e1');
    const repeat = mergeSignals(first.signals, [signal('a', 1, { oemUpdatedAt: 10, retrievedAt: 12 })], 'e2');

    // Act
    const retryOfRepeat = mergeSignals(repeat.signals, [signal('a', 1, { oemUpdatedAt: 10, retrievedAt: 12 })], 'e2');
    const retryOfFirst = mergeSignals(repeat.signals, [signal('a', 1, { oemUpdatedAt: 10, retrievedAt: 12 })], 'e1');

    // Assess
    expect(repeat).toMatchObject({ applied: [], unchanged: ['a'] });
    expect(repeat.signals.a).toMatchObject({ eventId: 'e2', appliedBy: 'e1' });
    expect(retryOfRepeat).toMatchObject({ applied: [], unchanged: ['a'] });
    expect(retryOfFirst).toMatchObject({ applied: ['a'], changed: false });
  });

  it('keeps the value with the newest oemUpdatedAt, falling back to the retrieval time', () => {
    // Prepare
    const stored = mergeSignals(
      {},
      [signal('a', 1, { oemUpdatedAt: 10, retrievedAt: 50 }), signal('b', 1, { retrievedAt: 10 })],
      'e1',
    );

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
    // Prepare: the repeat comes from another event that loses the tie-break (e0 < e1), so nothing is written.
    const stored = mergeSignals({}, [signal('a', 1, { oemUpdatedAt: 10, retrievedAt: 12 })], 'e1');

    // Act
    const result = mergeSignals(
      stored.signals,
      [
        signal('a', 1, { oemUpdatedAt: 10, retrievedAt: 12 }),
        { code: 'b', status: { value: 'ERROR' }, meta: {} },
        { code: 'c', body: { value: 3 }, meta: {} },
      ],
      'e0',
    );

    // Assess
    expect(result).toMatchObject({ applied: [], stale: [], unchanged: ['a'], skipped: ['b', 'c'], changed: false });
    expect(Object.keys(result.signals)).toEqual(['a']);
  });
});
