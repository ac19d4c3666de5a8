import { describe, expect, it } from 'vitest';
import { type AccountingInput, account } from '../../local/simulate/accounting.ts';
import { ROW } from '../../local/simulate/constants.ts';
import type { AttemptRecord, DeliveryRecord, FaultName, HandlerRun, SimEntity } from '../../local/simulate/types.ts';

const T0 = 1_800_000_000_000;
const id = (n: number) => `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`;

function entity(n: number, kind: SimEntity['kind'] = 'state', extra: Partial<SimEntity> = {}): SimEntity {
  return { id: id(n), kind, vehicleId: 'veh-1', firstAt: 0, duplicates: 0, verbatimReplay: false, ...extra };
}

function chain(n: number, answers: Array<number | string>, faults: FaultName[] = []): DeliveryRecord {
  const attempts: AttemptRecord[] = answers.map((answer, attempt) => ({
    at: T0 + attempt * 1_000,
    deliveryId: `d-${n}-${attempt}`,
    attempt,
    ...(typeof answer === 'number' ? { status: answer } : { error: answer }),
    latencyMs: 5,
    faults,
  }));
  return { entityId: id(n), source: 'original', attempts, delivered: answers.some((a) => a === 200) };
}

function runs(n: number, ...steps: Array<[HandlerRun['s'], number, string?]>): HandlerRun[] {
  return steps.map(([s, t, w]) => ({ e: id(n), s, t: T0 + t, w: w ?? 'w1' }));
}

function input(overrides: Partial<AccountingInput>): AccountingInput {
  return {
    entities: [],
    deliveries: [],
    runs: [],
    dlqEventIds: [],
    redrivenEventIds: [],
    stillQueued: 0,
    quarantine: [],
    archivedEventIds: new Set(),
    stored: new Map(),
    faultWindows: [],
    timeScale: 100,
    verify: { ok: true, detail: 'ok' },
    ...overrides,
  };
}

const checkOk = (report: ReturnType<typeof account>, name: string) => report.checks.find((c) => c.name === name)?.ok;
const findingOf = (report: ReturnType<typeof account>, check: string) => report.findings.find((f) => f.check === check);

describe('simulation accounting', () => {
  it('puts an event answered 2xx but found nowhere in the unaccounted row, and fails', () => {
    // Prepare
    const data = input({ entities: [entity(1)], deliveries: [chain(1, [200])] });

    // Act
    const report = account(data);

    // Assess
    expect(report.table[ROW.UNACCOUNTED].count).toBe(1);
    expect(checkOk(report, 'unaccounted = 0')).toBe(false);
    expect(report.ok).toBe(false);
  });

  it('counts a handled, archived event once and passes', () => {
    const data = input({
      entities: [entity(1, 'state', { oemUpdatedAt: T0, stateOfCharge: 50 })],
      deliveries: [chain(1, [200])],
      runs: runs(1, ['start', 10], ['ok', 20], ['start', 5_000]).concat([
        { e: id(1), r: 'rp', s: 'ok', t: T0 + 6_000, w: 'w1' },
      ]),
      archivedEventIds: new Set([id(1)]),
      replay: { id: 'rp', sent: 1, unreadable: 0 },
      // The state-of-charge signal (by its code), stored from the newest (and only) event.
      stored: new Map([
        ['veh-1', { 'tractionbattery-stateofcharge': { body: { value: 50 }, orderedAt: T0, eventId: id(1) } }],
      ]),
    });

    const report = account(data);

    expect(report.table[ROW.HANDLED].count).toBe(1);
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('reports a signed body refused with a 4xx as an authentic event lost', () => {
    const data = input({ entities: [entity(1, 'unprocessable')], deliveries: [chain(1, [400, 400, 400, 400])] });

    const report = account(data);

    expect(report.table[ROW.DROPPED].count).toBe(1);
    expect(findingOf(report, 'authentic event lost (4xx)')?.count).toBe(1);
    expect(checkOk(report, 'no authentic event lost')).toBe(false);
  });

  it('allows a drop only while a fault outlasting the retries was active', () => {
    const data = input({
      entities: [entity(1), entity(2)],
      deliveries: [
        chain(1, [503, 503, 503, 503], ['sqs-refuse-long']),
        chain(2, [503, 'timeout', 503, 503], ['sqs-refuse-short']),
      ],
    });

    const report = account(data);

    expect(report.table[ROW.DROPPED].count).toBe(2);
    expect(findingOf(report, 'authentic event lost (outage)')?.examples).toEqual([expect.stringContaining(id(2))]);
  });

  it('refuses a forged request, and flags an attack that was handled', () => {
    const data = input({
      entities: [entity(1, 'forged'), entity(2, 'stale-replay', { secondsStamp: true })],
      deliveries: [chain(1, [401]), chain(2, [200])],
      runs: runs(2, ['start', 1], ['ok', 2]),
      archivedEventIds: new Set([id(2)]),
    });

    const report = account(data);

    expect(report.table[ROW.REFUSED].count).toBe(1);
    expect(findingOf(report, 'attack accepted')?.examples[0]).toContain('deliveredAt in seconds');
    expect(checkOk(report, 'every attack refused')).toBe(false);
  });

  it('flags a completed handler that ran again after its batch was killed, not one whose completion was throttled', () => {
    const data = input({
      entities: [entity(1), entity(2)],
      deliveries: [chain(1, [200]), chain(2, [200])],
      runs: [
        ...runs(1, ['start', 0], ['ok', 10]),
        { e: id(9), s: 'kill', t: T0 + 20, w: 'w1' },
        ...runs(1, ['start', 3_000, 'w2'], ['ok', 3_010, 'w2']),
        ...runs(2, ['start', 100, 'w3'], ['ok', 110, 'w3'], ['start', 3_100, 'w3'], ['ok', 3_110, 'w3']),
      ],
      faultWindows: [{ fault: 'dynamodb-throttle', from: T0 + 50, to: T0 + 2_000 }],
      archivedEventIds: new Set([id(1), id(2)]),
    });

    const report = account(data);

    expect(findingOf(report, 'completed handler re-ran')?.examples).toEqual([expect.stringContaining(id(1))]);
    expect(Object.values(report.reruns).reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('allows a re-run after a kill when its completion was written while DynamoDB throttled', () => {
    // Prepare: event 1 returned inside the throttle; its worker was killed after the throttle ended.
    const data = input({
      entities: [entity(1)],
      deliveries: [chain(1, [200])],
      runs: [
        ...runs(1, ['start', 0], ['ok', 600]),
        { e: id(9), s: 'kill', t: T0 + 2_500, w: 'w1' },
        ...runs(1, ['start', 4_000, 'w2'], ['ok', 4_010, 'w2']),
      ],
      faultWindows: [{ fault: 'dynamodb-throttle', from: T0 - 2_000, to: T0 + 1_000 }],
      archivedEventIds: new Set([id(1)]),
    });

    // Act
    const report = account(data);

    // Assess
    expect(findingOf(report, 'completed handler re-ran')).toBeUndefined();
    expect(report.reruns).toEqual({ 'its completion could not be stored: DynamoDB throttled': 1 });
  });

  it('flags a stored signal older than the newest handled value', () => {
    const data = input({
      entities: [
        entity(1, 'state', { oemUpdatedAt: T0, stateOfCharge: 10 }),
        entity(2, 'state', { oemUpdatedAt: T0 + 1, stateOfCharge: 20 }),
      ],
      deliveries: [chain(1, [200]), chain(2, [200])],
      runs: [...runs(1, ['ok', 1]), ...runs(2, ['ok', 2])],
      archivedEventIds: new Set([id(1), id(2)]),
      stored: new Map([
        ['veh-1', { 'tractionbattery-stateofcharge': { body: { value: 10 }, orderedAt: T0, eventId: id(1) } }],
      ]),
    });

    const report = account(data);

    expect(checkOk(report, 'stored state = newest generated values')).toBe(false);
  });

  it('flags a handled event missing from the archive, and an archived one the replay did not re-handle', () => {
    const data = input({
      entities: [entity(1), entity(2)],
      deliveries: [chain(1, [200]), chain(2, [200])],
      runs: [...runs(1, ['ok', 1]), ...runs(2, ['ok', 2])],
      archivedEventIds: new Set([id(2)]),
      replay: { id: 'rp', sent: 1, unreadable: 0 },
    });

    const report = account(data);

    expect(findingOf(report, 'not archived')?.examples).toEqual([id(1)]);
    expect(findingOf(report, 'replay missed an archived event')?.examples).toEqual([id(2)]);
  });

  it('flags a vehicle whose signal stays stamped in the future', () => {
    const future = T0 + 10 * 365 * 86_400_000;
    const data = input({
      entities: [entity(1, 'future-signal', { oemUpdatedAt: future, stateOfCharge: 1 })],
      deliveries: [chain(1, [200])],
      runs: runs(1, ['ok', 1]),
      archivedEventIds: new Set([id(1)]),
      stored: new Map([
        ['veh-1', { 'tractionbattery-stateofcharge': { body: { value: 1 }, orderedAt: future, eventId: id(1) } }],
      ]),
    });

    const report = account(data);

    expect(findingOf(report, 'signal frozen by a future oemUpdatedAt')?.examples).toEqual(['veh-1']);
    expect(checkOk(report, 'no signal frozen in the future')).toBe(false);
  });

  it('tells a drop of four slow answers with no fault (a load artifact) from a loss', () => {
    const data = input({ entities: [entity(1)], deliveries: [chain(1, ['timeout', 'timeout', 'timeout', 'timeout'])] });

    const report = account(data);

    expect(findingOf(report, 'dropped: local answers slower than the scaled timeout')?.examples).toEqual([id(1)]);
    expect(findingOf(report, 'authentic event lost (outage)')).toBeUndefined();
    expect(checkOk(report, 'no authentic event lost')).toBe(true);
  });
});
