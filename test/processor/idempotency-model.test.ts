import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotency, createIdempotencyStatusReader } from '../../lambda/processor/idempotency/index.ts';
import { createLocalDynamoClient } from '../../local/dynamo.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { type DynamoCall, type DynamoFaultProxy, startDynamoFaultProxy } from './helpers/dynamo-fault-proxy.ts';
import {
  type Attempt,
  type Execution,
  type History,
  type InvocationRecord,
  runScenario,
  scenarioArb,
} from './helpers/ledger-model.ts';

/**
 * Model-based property test of the idempotency ledger: generated scenarios of invocations (short
 * leases, copies of a few eventIds, tasks that succeed or throw, invocations that settle, crash or
 * lose their commit write, time passing or not) played against the real ledger on dynalite, with
 * SQS's redelivery of every record that was not acknowledged. Time is a virtual clock handed to
 * the ledger through its `now` option, so a lease ends exactly where the scenario says, whatever
 * the machine's load.
 */

const RUNS = 100;

/** The id of the item a PutItem writes ('' for any other call). */
const writtenId = (call: DynamoCall): string =>
  call.operation === 'PutItem' ? String((call.input.Item as { id?: { S?: string } } | undefined)?.id?.S) : '';

/** True for the write of a commit item (its id names the batch). */
const isCommitWrite = (call: DynamoCall): boolean => writtenId(call).startsWith('smartcar-batch#');

const invocationOf = (history: History, id: number): InvocationRecord => {
  const record = history.invocations.get(id);
  if (!record) throw new Error(`no invocation ${id}`);
  return record;
};

/** A run whose success was stored: it succeeded, its invocation settled and its commit write held. */
const committed = (history: History, run: Execution): boolean => {
  const invocation = invocationOf(history, run.invocation);
  return run.fate === 'succeeds' && invocation.settledSeq !== undefined && !invocation.uncommitted.has(run.messageId);
};

/** Every broken invariant of a history, as a sentence (empty when it holds). */
function violations(history: History): string[] {
  const found: string[] = [];
  // The ledger's own contract: ran exactly when the task ran and succeeded, threw when it threw.
  for (const a of history.attempts) {
    const expected = a.executed === 'succeeds' ? 'ran' : a.executed === 'throws' ? 'threw' : undefined;
    if (expected ? a.result !== expected : a.result === 'ran' || a.result === 'threw') {
      found.push(
        `contract: ${a.messageId} (${a.key}) answered ${a.result} after its task ${a.executed ?? 'never ran'}`,
      );
    }
  }
  for (const key of history.keys) {
    const runs = history.executions.filter((e) => e.key === key).sort((x, y) => x.seq - y.seq);
    // (b) no silent double run: nothing runs after a run whose success was stored.
    const firstCommitted = runs.findIndex((run) => committed(history, run));
    if (firstCommitted >= 0 && firstCommitted < runs.length - 1) {
      const again = runs.slice(firstCommitted + 1).map((r) => `${r.messageId}@inv${r.invocation}`);
      found.push(`(b) ${key} ran again (${again.join(', ')}) after committed run ${runs[firstCommitted]?.messageId}`);
    }
  }
  for (const a of history.attempts) {
    const earlier = history.executions.filter((e) => e.key === a.key && e.seq < a.startSeq);
    // (c) a duplicate only after a stored success, or a success earlier in the same invocation
    // (whose record then carries the event: acknowledged if committed, redelivered if not).
    if (
      a.result === 'duplicate' &&
      !earlier.some(
        (e) =>
          e.fate === 'succeeds' &&
          (e.invocation === a.invocation ||
            (committed(history, e) && (invocationOf(history, e.invocation).settledSeq ?? Infinity) < a.startSeq)),
      )
    ) {
      found.push(`(c) ${a.messageId} (${a.key}) reported duplicate with no stored success before it`);
    }
    // (d) in flight only while another invocation that tried the key (it may hold the claim
    // before its task starts) is within its lease.
    const holders = history.attempts.filter(
      (other) =>
        other.key === a.key &&
        other.startSeq < a.endSeq &&
        other.invocation !== a.invocation &&
        invocationOf(history, other.invocation).deadline > a.at,
    );
    if (a.result === 'inFlight' && holders.length === 0) {
      found.push(`(d) ${a.messageId} (${a.key}) in flight at ${a.at} with no other lease running`);
    }
  }
  // (a) liveness, first half: SQS has nothing left to redeliver.
  if (history.pending.length > 0) found.push(`(a) still pending after the drain: ${history.pending.join(', ')}`);
  return found;
}

describe('idempotency ledger: model-based property', () => {
  const emulator = useDynamo();
  const proxies: DynamoFaultProxy[] = [];
  let client: DynamoDBClient | undefined;
  let failingCommits = false;
  /** Claim ids whose next write loses its answer. */
  const losingAnswers = new Set<string>();

  beforeAll(async () => {
    // Client -> proxy losing claim answers -> proxy failing commit writes -> dynalite.
    const failing = await startDynamoFaultProxy(emulator.dynamo().endpoint, {
      matches: (call) => failingCommits && isCommitWrite(call),
      calls: Number.POSITIVE_INFINITY,
    });
    const losing = await startDynamoFaultProxy(failing.endpoint, {
      matches: (call) => losingAnswers.delete(writtenId(call)),
      calls: Number.POSITIVE_INFINITY,
      loseFirstAnswer: true,
    });
    proxies.push(losing, failing);
    // Two attempts per call: a lost answer is retried once, as the SDK would.
    client = createLocalDynamoClient(losing.endpoint, { maxAttempts: 2 });
  });

  afterAll(async () => {
    client?.destroy();
    for (const proxy of proxies) await proxy.close();
  });

  it(`keeps (a) liveness, (b) no double run, (c) honest duplicates, (d) honest in-flight over ${RUNS} scenarios`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        // Prepare: fresh tables and a clock of this run's own.
        const { idempotencyTableName: tableName } = await emulator.tables();
        const clock = { ms: Date.now() };
        const now = () => clock.ms;
        const idempotency = createIdempotency({
          dynamodb: client as DynamoDBClient,
          tableName,
          ttlSeconds: 3_600,
          now,
        });
        const readStatus = createIdempotencyStatusReader({ dynamodb: emulator.dynamo().client, tableName, now });

        // Act
        const history = await runScenario(scenario, {
          idempotency,
          clock,
          failCommits: (on) => {
            failingCommits = on;
          },
          loseClaimAnswer: (key) => losingAnswers.add(`smartcar-event#${key}`),
        });
        const statuses = await Promise.all(history.keys.map(readStatus));

        // Assess: (a) every eventId ends COMPLETED, and no invariant broke on the way.
        expect(violations(history)).toEqual([]);
        expect(statuses.filter((s) => s !== 'COMPLETED')).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    // About 8 s alone; room for a full run's contention on two cores.
  }, 90_000);
});

describe('idempotency ledger model: the invariant checks', () => {
  it('flag a run after a committed run, a duplicate and an in-flight answer without cause, and a record left pending', () => {
    // Prepare: invocation 0 commits evt-0; invocation 1 runs evt-0 again, calls evt-1 a duplicate
    // nothing completed, and evt-2 in flight while no one else tried it; m-9 is never acknowledged.
    const invocations = new Map<number, InvocationRecord>([
      [0, { id: 0, deadline: 1_030, end: 'settles', settledSeq: 3, uncommitted: new Set() }],
      [1, { id: 1, deadline: 2_030, end: 'settles', settledSeq: 20, uncommitted: new Set() }],
    ]);
    const attempt = (seq: number, invocation: number, key: string, result: Attempt['result']): Attempt => ({
      startSeq: seq,
      endSeq: seq + 2,
      at: invocation === 0 ? 1_000 : 2_000,
      invocation,
      key,
      messageId: `m-${seq}`,
      result,
      ...(result === 'ran' ? { executed: 'succeeds' as const } : {}),
    });
    const run = (seq: number, invocation: number, key: string): Execution => ({
      seq: seq + 1,
      invocation,
      key,
      messageId: `m-${seq}`,
      fate: 'succeeds',
    });
    const history: History = {
      keys: ['evt-0', 'evt-1', 'evt-2'],
      invocations,
      attempts: [
        attempt(0, 0, 'evt-0', 'ran'),
        attempt(4, 1, 'evt-0', 'ran'),
        attempt(8, 1, 'evt-1', 'duplicate'),
        attempt(12, 1, 'evt-2', 'inFlight'),
      ],
      executions: [run(0, 0, 'evt-0'), run(4, 1, 'evt-0')],
      pending: ['m-9'],
    };

    // Act
    const found = violations(history);

    // Assess
    expect(found.map((v) => v.slice(0, 3))).toEqual(['(b)', '(c)', '(d)', '(a)']);
  });
});
