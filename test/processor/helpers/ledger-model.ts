import fc from 'fast-check';
import { EventInFlightError, type Idempotency } from '../../../lambda/processor/idempotency/index.ts';
import { KeyedQueue } from '../../../lambda/processor/keyed-queue.ts';
import { lambdaContext } from './factories.ts';

// A model of SQS driving the idempotency ledger: scenarios to generate, and a runner that plays
// one against the real ledger and records what happened, for the invariants of
// idempotency-model.test.ts to judge.

/** How one task ends. */
export type TaskFate = 'succeeds' | 'throws';

/** How one invocation ends: it settles, it dies before settling, or it settles but its commit write fails. */
export type InvocationEnd = 'settles' | 'crashes' | 'commitFails';

/** Virtual time passing before a round: none, some ms, or up to (or 1 ms past) an earlier invocation's lease. */
export type Advance =
  | { kind: 'none' }
  | { kind: 'ms'; ms: number }
  | { kind: 'toLease'; pick: number; past: 0 | 1 }
  | { kind: 'pastAll' };

/**
 * One invocation: new copies of events (`answerLost`: the answer to the copy's claim write is lost
 * though the write landed), and whether it also gets the messages SQS is redelivering.
 */
export interface InvocationPlan {
  lease: number;
  copies: Array<{ key: number; fate: TaskFate; answerLost: boolean }>;
  redelivered: TaskFate | 'none';
  end: InvocationEnd;
}

/** Invocations that run at the same time (their deliveries interleave), after time advances. */
export interface RoundPlan {
  advance: Advance;
  invocations: InvocationPlan[];
}

/**
 * A generated scenario: how many distinct eventIds, whether they are long (400 bytes, so two fill
 * a commit item and a batch's keys spread over several), and the rounds of invocations.
 */
export interface Scenario {
  keys: number;
  longKeys: boolean;
  rounds: RoundPlan[];
}

/** One invocation as it ran. `settledSeq` is set once `settle()` returned. */
export interface InvocationRecord {
  id: number;
  deadline: number;
  end: InvocationEnd;
  settledSeq?: number;
  uncommitted: ReadonlySet<string>;
}

/** One `runOnce` call: when it started and ended (event sequence numbers), its virtual time, its result. */
export interface Attempt {
  startSeq: number;
  endSeq: number;
  at: number;
  invocation: number;
  key: string;
  messageId: string;
  result: 'ran' | 'duplicate' | 'inFlight' | 'threw';
  /** How the task ended when `runOnce` ran it. */
  executed?: TaskFate;
}

/** One run of a task. */
export interface Execution {
  seq: number;
  invocation: number;
  key: string;
  messageId: string;
  fate: TaskFate;
}

/** Everything a scenario did; `pending` is what SQS would still redeliver after the drain. */
export interface History {
  keys: string[];
  invocations: Map<number, InvocationRecord>;
  attempts: Attempt[];
  executions: Execution[];
  pending: string[];
}

/** What the runner drives: the ledger factory, the virtual clock it reads, and the two faults. */
export interface ModelEnvironment {
  idempotency: Idempotency;
  clock: { ms: number };
  /** Fail every commit write while on. */
  failCommits(on: boolean): void;
  /** Lose the answer to the next claim write of `key` (the write itself lands). */
  loseClaimAnswer(key: string): void;
}

const fateArb = fc.oneof(
  { arbitrary: fc.constant<TaskFate>('succeeds'), weight: 3 },
  { arbitrary: fc.constant<TaskFate>('throws'), weight: 1 },
);

const advanceArb: fc.Arbitrary<Advance> = fc.oneof(
  fc.constant<Advance>({ kind: 'none' }),
  fc.record({ kind: fc.constant('ms' as const), ms: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('toLease' as const), pick: fc.nat(), past: fc.constantFrom<0 | 1>(0, 1) }),
);

const answerLostArb = fc.oneof(
  { arbitrary: fc.constant(false), weight: 5 },
  { arbitrary: fc.constant(true), weight: 1 },
);

function invocationArb(keys: number): fc.Arbitrary<InvocationPlan> {
  return fc.record({
    lease: fc.integer({ min: 30, max: 80 }),
    copies: fc.array(fc.record({ key: fc.nat({ max: keys - 1 }), fate: fateArb, answerLost: answerLostArb }), {
      maxLength: 4,
    }),
    redelivered: fc.constantFrom<TaskFate | 'none'>('none', 'succeeds', 'throws'),
    end: fc.oneof(
      { arbitrary: fc.constant<InvocationEnd>('settles'), weight: 2 },
      { arbitrary: fc.constant<InvocationEnd>('crashes'), weight: 1 },
      { arbitrary: fc.constant<InvocationEnd>('commitFails'), weight: 1 },
    ),
  });
}

/**
 * Scenarios of 2-4 eventIds and 1-5 rounds of one or two concurrent invocations.
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(scenarioArb, async (scenario) => judge(await runScenario(scenario, env))));
 * ```
 */
export const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 2, max: 4 }).chain((keys) =>
  fc.record({
    keys: fc.constant(keys),
    longKeys: fc.boolean(),
    rounds: fc.array(
      fc.record({ advance: advanceArb, invocations: fc.array(invocationArb(keys), { minLength: 1, maxLength: 2 }) }),
      { minLength: 1, maxLength: 5 },
    ),
  }),
);

/** The eventId of key number `n`. */
const keyName = (n: number, long: boolean): string => `evt-${n}${long ? `-${'x'.repeat(394)}` : ''}`;

/** Rounds after the scenario that redeliver everything pending once every lease has passed. */
const DRAIN_ROUNDS = 3;

class TaskFailedError extends Error {
  public constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TaskFailedError';
  }
}

interface Message {
  id: string;
  key: string;
}

/** A message handed to an invocation, how its task will end, and whether its claim write's answer is lost. */
interface Delivery {
  message: Message;
  fate: TaskFate;
  answerLost: boolean;
}

/**
 * Plays `scenario` against the ledger as SQS would: each round's invocations run their deliveries
 * at once (copies of one key one after another, as the processor's per-vehicle queue does), then
 * end as planned. Failed records, records whose commit failed and every record of a crashed
 * invocation go back to the queue; then up to three drain rounds, past every lease, redeliver them.
 *
 * @example
 * ```ts
 * const history = await runScenario({ keys: 2, rounds: [...] }, { idempotency, clock, failCommits });
 * ```
 */
export async function runScenario(scenario: Scenario, env: ModelEnvironment): Promise<History> {
  const history: History = { keys: [], invocations: new Map(), attempts: [], executions: [], pending: [] };
  const keys = new Set<string>();
  let pending: Message[] = [];
  let seq = 0;
  let messages = 0;

  const advance = (step: Advance): void => {
    const deadlines = [...history.invocations.values()].map((i) => i.deadline);
    if (step.kind === 'ms') env.clock.ms += step.ms;
    if (step.kind === 'toLease' && deadlines.length > 0) {
      const target = (deadlines[step.pick % deadlines.length] as number) + step.past;
      env.clock.ms = Math.max(env.clock.ms, target);
    }
    if (step.kind === 'pastAll') env.clock.ms = Math.max(env.clock.ms, ...deadlines.map((d) => d + 1));
  };

  const deliver = async (
    record: InvocationRecord,
    ledger: ReturnType<Idempotency['begin']>,
    { message: m, fate, answerLost }: Delivery,
  ) => {
    const attempt: Attempt = {
      startSeq: ++seq,
      endSeq: 0,
      at: env.clock.ms,
      invocation: record.id,
      key: m.key,
      messageId: m.id,
      result: 'ran',
    };
    try {
      const task = async (): Promise<void> => {
        attempt.executed = fate;
        history.executions.push({ seq: ++seq, invocation: record.id, key: m.key, messageId: m.id, fate });
        if (fate === 'throws') throw new TaskFailedError(`task of ${m.key} failed`);
      };
      if (answerLost) env.loseClaimAnswer(m.key);
      attempt.result = (await ledger.runOnce(m.key, task, m.id)).ran ? 'ran' : 'duplicate';
    } catch (error) {
      if (error instanceof EventInFlightError) attempt.result = 'inFlight';
      else if (error instanceof TaskFailedError) attempt.result = 'threw';
      else throw error;
    }
    attempt.endSeq = ++seq;
    history.attempts.push(attempt);
    return attempt;
  };

  const playRound = async (round: RoundPlan): Promise<void> => {
    advance(round.advance);
    const started = round.invocations.map((plan) => {
      const own: Delivery[] = plan.copies.map((copy) => ({
        message: { id: `m-${messages++}`, key: keyName(copy.key, scenario.longKeys) },
        fate: copy.fate,
        answerLost: copy.answerLost,
      }));
      const redelivered: Delivery[] =
        plan.redelivered === 'none'
          ? []
          : pending.map((message) => ({ message, fate: plan.redelivered as TaskFate, answerLost: false }));
      if (plan.redelivered !== 'none') pending = [];
      for (const { message } of own) keys.add(message.key);
      const record: InvocationRecord = {
        id: history.invocations.size,
        deadline: env.clock.ms + plan.lease,
        end: plan.end,
        uncommitted: new Set(),
      };
      history.invocations.set(record.id, record);
      return {
        plan,
        record,
        ledger: env.idempotency.begin(lambdaContext(plan.lease)),
        deliveries: [...redelivered, ...own],
      };
    });
    const attempts = await Promise.all(
      started.map(({ record, ledger, deliveries }) => {
        const perKey = new KeyedQueue();
        return Promise.all(
          deliveries.map((delivery) => perKey.run(delivery.message.key, () => deliver(record, ledger, delivery))),
        );
      }),
    );
    for (const [i, { plan, record, ledger }] of started.entries()) {
      const done = attempts[i] ?? [];
      if (plan.end === 'crashes') {
        pending.push(...done.map((a) => ({ id: a.messageId, key: a.key })));
        continue;
      }
      env.failCommits(plan.end === 'commitFails');
      const { uncommitted } = await ledger.settle().finally(() => env.failCommits(false));
      record.uncommitted = new Set(uncommitted);
      record.settledSeq = ++seq;
      const acked = (a: Attempt) =>
        a.result === 'duplicate' || (a.result === 'ran' && !record.uncommitted.has(a.messageId));
      pending.push(...done.filter((a) => !acked(a)).map((a) => ({ id: a.messageId, key: a.key })));
    }
  };

  for (const round of scenario.rounds) await playRound(round);
  const drain: RoundPlan = {
    advance: { kind: 'pastAll' },
    invocations: [{ lease: 50, copies: [], redelivered: 'succeeds', end: 'settles' }],
  };
  for (let i = 0; i < DRAIN_ROUNDS && pending.length > 0; i++) await playRound(drain);
  history.keys = [...keys].sort();
  history.pending = pending.map((m) => m.id);
  return history;
}
