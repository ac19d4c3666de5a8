import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SMARTCAR_DELIVERY } from '../../lambda/core/constants.ts';
import { mergeErrorReport } from '../../lambda/processor/store/error-order.ts';
import type { StoredVehicleError } from '../../lambda/processor/types.ts';

const SPAN_MS = SMARTCAR_DELIVERY.retrySpanSeconds * 1000;

/** One report of the error kind VEHICLE_STATE#ASLEEP. */
function report(eventId: string, state: 'ERROR' | 'RESOLVED', reportedAt: number): StoredVehicleError {
  return { type: 'VEHICLE_STATE', code: 'ASLEEP', state, resolutionType: null, eventId, reportedAt };
}

/** Reports of distinct events, delivered within a few retry spans of each other (so some are contested). */
const reportsArb = fc
  .uniqueArray(
    fc.record({
      eventId: fc.uuid(),
      state: fc.constantFrom('ERROR' as const, 'RESOLVED' as const),
      reportedAt: fc.integer({ min: 0, max: 4 * SPAN_MS }),
    }),
    { selector: (r) => r.eventId, minLength: 1, maxLength: 6 },
  )
  .map((reports) => reports.map((r) => report(r.eventId, r.state, r.reportedAt)));

function mergeAll(reports: readonly StoredVehicleError[]): StoredVehicleError | undefined {
  return reports.reduce<StoredVehicleError | undefined>((stored, r) => mergeErrorReport(stored, r, SPAN_MS), undefined);
}

describe('mergeErrorReport', () => {
  it('ends with the same entry whatever order the reports arrive in', () => {
    fc.assert(
      fc.property(
        reportsArb.chain((reports) =>
          fc.tuple(fc.constant(reports), fc.shuffledSubarray(reports, { minLength: reports.length })),
        ),
        ([inOrder, shuffled]) => {
          // Act / Assess
          expect(mergeAll(shuffled)).toEqual(mergeAll(inOrder));
        },
      ),
    );
  });

  it('keeps the latest-delivered state, contested exactly when a report of the other state came less than the retry span before it', () => {
    fc.assert(
      fc.property(reportsArb, (reports) => {
        // Act
        const entry = mergeAll(reports)!;

        // Assess
        const latest = [...reports].sort((a, b) => b.reportedAt - a.reportedAt || (a.eventId < b.eventId ? 1 : -1))[0]!;
        const rivals = reports.filter((r) => r.state !== latest.state && latest.reportedAt - r.reportedAt < SPAN_MS);
        expect(entry.eventId).toBe(latest.eventId);
        expect(entry.contested !== undefined).toBe(rivals.length > 0);
      }),
    );
  });

  it('returns the stored entry itself when nothing changes, so the store skips the write', () => {
    // Prepare
    const stored = mergeAll([report('e-resolved', 'RESOLVED', SPAN_MS), report('e-error', 'ERROR', SPAN_MS + 1_000)])!;

    // Act / Assess
    expect(mergeErrorReport(stored, report('e-error', 'ERROR', SPAN_MS + 1_000), SPAN_MS)).toBe(stored);
    expect(mergeErrorReport(stored, report('e-resolved', 'RESOLVED', SPAN_MS), SPAN_MS)).toBe(stored);
    expect(mergeErrorReport(stored, report('e-old', 'ERROR', 0), SPAN_MS)).toBe(stored);
  });
});
