import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSBatchResponse } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { createProcessorDynamoClient } from '../../lambda/processor/clients.ts';
import { createIdempotencyStatusReader } from '../../lambda/processor/idempotency.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import type { EventHandlers, ProcessorOutcome } from '../../lambda/processor/types.ts';
import { localDynamoConnection } from '../../local/dynamo.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { type DynamoCall, startDynamoFaultProxy, useFaultProxies } from './helpers/dynamo-fault-proxy.ts';
import { lambdaContextUntil, processorDeps, sqsEvent, sqsRecord, useQuietStdout } from './helpers/factories.ts';
import { powertoolsKey } from './helpers/idempotency-key.ts';

/**
 * Property test of the processor's idempotency contract (Powertools Idempotency, per record), end
 * to end: generated scenarios of SQS deliveries (copies of a few eventIds, as Smartcar's retries
 * make them) handled by invocations whose handlers succeed, throw, hang until the invocation times
 * out, or crash it, while one kind of idempotency call is slow or failing (a loopback proxy in
 * front of dynalite). Each invocation behaves as Lambda's: at its deadline (or its crash) it is
 * gone, sends nothing more and runs no more handlers, and SQS makes all its records visible again;
 * the records it reports failed come back too, each only after the deadline of the invocation that
 * received it (the visibility timeout outlasts the function's). A healthy drain then runs until the
 * queue is empty.
 *
 * Checked on every history:
 * (a) every eventId ends COMPLETED, having been handled, and nothing is left in the queue;
 * (b) no handler runs again after its eventId's completion was stored;
 * (c) after a timeout or crash, of that batch only the records whose completion it had not stored
 *     run again (a timeout on record k with healthy DynamoDB re-runs k alone);
 * (d) no record is reported duplicate unless its eventId was handled and its completion stored.
 */

const RUNS = 50;
const KEYS = 3;
/**
 * How long after its invocation's deadline a received message becomes visible again (failed or
 * abandoned alike). The stack's visibility timeout is 6x the function timeout, so SQS never
 * redelivers a record before the invocation that received it has ended.
 */
const VISIBLE_AFTER_DEADLINE_MS = 50;
/** How long the healthy drain may take at most. */
const DRAIN_MS = 30_000;
const DRAIN_DEADLINE_MS = 1_000;

type Fate = 'succeeds' | 'throws' | 'hangs' | 'crashes';
type Operation = 'PutItem' | 'GetItem' | 'UpdateItem' | 'DeleteItem';
type Fault =
  | { kind: 'none' }
  | { kind: 'slow'; operation: Operation; delayMs: number }
  | { kind: 'fail'; operation: Operation };

interface Step {
  batchSize: number;
  /** The fate of each eventId's handler in this invocation (index: eventId). */
  fates: Fate[];
  fault: Fault;
  deadlineMs: number;
  /** Start the next step without waiting for this invocation to end. */
  overlap: boolean;
}

interface Scenario {
  /** Copies of each eventId in the queue at the start (Smartcar's retries are new messages). */
  copies: number[];
  steps: Step[];
}

const operationArb = fc.constantFrom<Operation>('PutItem', 'GetItem', 'UpdateItem', 'DeleteItem');
const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({
    kind: fc.constant('slow' as const),
    operation: operationArb,
    delayMs: fc.integer({ min: 50, max: 400 }),
  }),
  fc.record({ kind: fc.constant('fail' as const), operation: operationArb }),
);
const fateArb: fc.Arbitrary<Fate> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Fate>('succeeds') },
  { weight: 2, arbitrary: fc.constant<Fate>('throws') },
  { weight: 1, arbitrary: fc.constant<Fate>('hangs') },
  { weight: 1, arbitrary: fc.constant<Fate>('crashes') },
);
const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  copies: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: KEYS, maxLength: KEYS }),
  steps: fc.array(
    fc.record({
      batchSize: fc.integer({ min: 1, max: 4 }),
      fates: fc.array(fateArb, { minLength: KEYS, maxLength: KEYS }),
      fault: faultArb,
      deadlineMs: fc.integer({ min: 250, max: 600 }),
      overlap: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

interface Message {
  messageId: string;
  key: number;
  receives: number;
  visibleAt: number;
}

interface Run {
  seq: number;
  invocation: number;
  key: number;
  fate: Fate;
}

interface Invocation {
  id: number;
  keys: Set<number>;
  /** Keys whose completion this invocation stored (the UpdateItem to COMPLETED reached DynamoDB). */
  stored: Set<number>;
  ended: 'answered' | 'abandoned';
}

interface History {
  tableName: string;
  eventIds: string[];
  runs: Run[];
  /** Sequence number at which each key's completion was first stored. */
  storedAt: Map<number, number>;
  outcomes: Array<ProcessorOutcome & { seq: number }>;
  invocations: Invocation[];
  pending: number;
}

describe('processor idempotency: property over crashes, throws, timeouts and a slow or failing DynamoDB', () => {
  const emulator = useDynamo();
  const faults = useFaultProxies();

  useQuietStdout();

  /** Plays one scenario against a fresh table and returns what happened, in order. */
  async function play(scenario: Scenario): Promise<History> {
    const names = await emulator.tables();
    const payloads = Array.from({ length: KEYS }, (_, key) =>
      // Keys 0 and 2 share a vehicle: the processor runs their records one after the other.
      buildVehicleState({ vehicleId: `veh-prop-${key % 2}` }),
    );
    const eventIds = payloads.map((p) => String(p.eventId));
    const keyOfId = new Map(eventIds.map((eventId, key) => [powertoolsKey(eventId), key]));
    let seq = 0;
    const tick = () => ++seq;
    const history: History = {
      tableName: names.idempotencyTableName,
      eventIds,
      runs: [],
      storedAt: new Map(),
      outcomes: [],
      invocations: [],
      pending: 0,
    };
    let messageCount = 0;
    // First copies first, then the retries: copies of one event land in different batches.
    const queue: Message[] = [0, 1].flatMap((copy) =>
      scenario.copies.flatMap((copies, key) =>
        copy < copies ? [{ messageId: `m-${messageCount++}`, key, receives: 0, visibleAt: 0 }] : [],
      ),
    );

    async function invoke(step: Step): Promise<void> {
      const now = Date.now();
      const batch = queue.filter((m) => m.visibleAt <= now).slice(0, step.batchSize);
      if (batch.length === 0) return;
      for (const message of batch) message.visibleAt = Number.POSITIVE_INFINITY;
      const deadline = now + step.deadlineMs;
      let killed = false;
      const gone = () => killed || Date.now() >= deadline;
      const invocation: Invocation = {
        id: history.invocations.length,
        keys: new Set(batch.map((m) => m.key)),
        stored: new Set(),
        ended: 'abandoned',
      };
      history.invocations.push(invocation);
      const { fault } = step;
      const faulty = (call: DynamoCall) =>
        fault.kind !== 'none' &&
        call.operation === fault.operation &&
        call.input.TableName === names.idempotencyTableName;
      const proxy = faults.keep(
        await startDynamoFaultProxy(emulator.dynamo().endpoint, {
          matches: faulty,
          calls: fault.kind === 'fail' ? 1 : Number.POSITIVE_INFINITY,
          ...(fault.kind === 'slow' ? { delayAnswerMs: fault.delayMs } : {}),
          onAnswer: (call, status) => {
            if (
              status !== 200 ||
              call.operation !== 'UpdateItem' ||
              !JSON.stringify(call.input).includes('"COMPLETED"')
            ) {
              return;
            }
            const key = keyOfId.get(String((call.input.Key as { id?: { S?: string } }).id?.S));
            if (key === undefined) return;
            invocation.stored.add(key);
            if (!history.storedAt.has(key)) history.storedAt.set(key, tick());
          },
        }),
      );
      const client = faults.keep(createProcessorDynamoClient(localDynamoConnection(proxy.endpoint)));
      // Lambda's end: once the invocation is gone, no request of it leaves any more.
      client.middlewareStack.add(
        (next) => async (args) => (gone() ? new Promise<never>(() => undefined) : next(args)),
        { step: 'finalizeRequest', name: 'lambdaEnded', priority: 'low' },
      );
      const handler: EventHandlers['VEHICLE_STATE'] = async (event) => {
        if (gone()) return new Promise<never>(() => undefined);
        const key = eventIds.indexOf(event.eventId);
        const fate = step.fates[key] ?? 'succeeds';
        history.runs.push({ seq: tick(), invocation: invocation.id, key, fate });
        if (fate === 'throws') throw new Error('handler failed');
        if (fate === 'hangs') return new Promise<never>(() => undefined);
        if (fate === 'crashes') {
          killed = true;
          return new Promise<never>(() => undefined);
        }
      };
      const deps = processorDeps(client, names, {
        handlers: { VEHICLE_STATE: handler },
        onOutcome: (outcome) => {
          if (!gone()) history.outcomes.push({ ...outcome, seq: tick() });
        },
      });
      const records = batch.map((m) =>
        sqsRecord(payloads[m.key] as Record<string, unknown>, { messageId: m.messageId, receiveCount: ++m.receives }),
      );
      const answered = createProcessorHandler(deps)(sqsEvent(...records), lambdaContextUntil(deadline)).then(
        (response) => (gone() ? undefined : response),
        () => undefined,
      );
      const response: SQSBatchResponse | undefined = await Promise.race([
        answered,
        sleep(step.deadlineMs).then(() => undefined),
      ]);
      if (response && !gone()) {
        invocation.ended = 'answered';
        const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        for (const message of batch) {
          if (failed.has(message.messageId)) message.visibleAt = deadline + VISIBLE_AFTER_DEADLINE_MS;
          else queue.splice(queue.indexOf(message), 1);
        }
        return;
      }
      // Timed out or crashed: Lambda reports an error and SQS makes the whole batch visible again.
      killed = true;
      for (const message of batch) message.visibleAt = deadline + VISIBLE_AFTER_DEADLINE_MS;
    }

    const running: Promise<void>[] = [];
    for (const step of scenario.steps) {
      const invocation = invoke(step);
      if (step.overlap) running.push(invocation);
      else await invocation;
    }
    await Promise.all(running);
    const healthy: Step = {
      batchSize: 4,
      fates: Array.from({ length: KEYS }, () => 'succeeds'),
      fault: { kind: 'none' },
      deadlineMs: DRAIN_DEADLINE_MS,
      overlap: false,
    };
    const drainUntil = Date.now() + DRAIN_MS;
    while (queue.length > 0 && Date.now() < drainUntil) {
      const next = Math.min(...queue.map((m) => m.visibleAt));
      await sleep(Math.max(0, next - Date.now()));
      await invoke(healthy);
    }
    history.pending = queue.length;
    return history;
  }

  /** Every broken rule of a history, as a sentence (empty when all hold). */
  async function violations(history: History): Promise<string[]> {
    const found: string[] = [];
    const readStatus = createIdempotencyStatusReader({
      dynamodb: emulator.dynamo().client,
      tableName: history.tableName,
    });
    const statuses = await Promise.all(history.eventIds.map(readStatus));
    if (history.pending > 0) found.push(`(a) ${history.pending} messages still in the queue after the drain`);
    history.eventIds.forEach((_, key) => {
      if (statuses[key] !== 'COMPLETED') found.push(`(a) key ${key} ends ${statuses[key] ?? 'without a record'}`);
      if (!history.runs.some((r) => r.key === key && r.fate === 'succeeds')) found.push(`(a) key ${key} never handled`);
      const storedAt = history.storedAt.get(key);
      const again = history.runs.filter((r) => r.key === key && storedAt !== undefined && r.seq > storedAt);
      if (again.length > 0) {
        found.push(
          `(b) key ${key} ran again in invocation ${again.map((r) => r.invocation)} after its completion was stored`,
        );
      }
    });
    for (const invocation of history.invocations.filter((i) => i.ended === 'abandoned')) {
      for (const key of invocation.keys) {
        const handledHere = history.runs.some(
          (r) => r.invocation === invocation.id && r.key === key && r.fate === 'succeeds',
        );
        const later = history.runs.filter((r) => r.key === key && r.invocation > invocation.id);
        if (handledHere && invocation.stored.has(key) && later.length > 0) {
          found.push(`(c) key ${key}, stored by abandoned invocation ${invocation.id}, ran again`);
        }
      }
    }
    for (const outcome of history.outcomes.filter((o) => o.outcome === 'duplicate')) {
      const key = history.eventIds.indexOf(outcome.eventId ?? '');
      const handled = history.runs.some((r) => r.key === key && r.fate === 'succeeds' && r.seq < outcome.seq);
      if (!handled || !history.storedAt.has(key)) {
        found.push(`(d) ${outcome.messageId} (key ${key}) reported duplicate before it was handled and stored`);
      }
    }
    return found;
  }

  it(`keeps (a) liveness, (b) no run after a stored completion, (c) only unfinished records re-run after a timeout, (d) honest duplicates over ${RUNS} scenarios`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        // Prepare: the generated scenario (play makes fresh tables).

        // Act
        const history = await play(scenario);

        // Assess
        expect(await violations(history)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, 240_000);
});
