import { percentile } from '../../bin/cli/percentile.ts';
import type { StoredSignal } from '../../lambda/processor/types.ts';
import { ROW } from './constants.ts';
import type { QuarantinedBody } from './quarantine.ts';
import type {
  DeliveryRecord,
  EntityAccount,
  FaultName,
  FaultWindow,
  Finding,
  HandlerRun,
  RowName,
  SimEntity,
  SimulationReport,
} from './types.ts';

/** Everything the run observed: the simulator's own records and the pipeline's state at the end. */
export interface AccountingInput {
  entities: readonly SimEntity[];
  deliveries: readonly DeliveryRecord[];
  runs: readonly HandlerRun[];
  /** eventIds of the messages left in the DLQ. */
  dlqEventIds: readonly string[];
  /** eventIds the end of the run found in the DLQ and redrove (after the handler fix). */
  redrivenEventIds: readonly string[];
  /** Messages left in the main queue when the run gave up waiting. */
  stillQueued: number;
  /** `undefined`: this build has no quarantine (see `quarantine.ts`). */
  quarantine: readonly QuarantinedBody[] | undefined;
  /** eventIds of the archived deliveries received during the run (replayed copies excluded). */
  archivedEventIds: ReadonlySet<string>;
  /** The end-of-run replay, if it ran. */
  replay?: { id: string; sent: number; unreadable: number };
  /** Vehicle id to its stored signals, read from the vehicle-state table at the end. */
  stored: ReadonlyMap<string, Readonly<Record<string, StoredSignal>> | undefined>;
  faultWindows: readonly FaultWindow[];
  timeScale: number;
  verify: { ok: boolean; detail: string };
}

const AUTHENTIC = new Set(['state', 'future-signal', 'error', 'resolved', 'unprocessable']);
/** A stored signal time further ahead than this at the end of the run is frozen (issue #19.3). */
const FROZEN_AHEAD_MS = 86_400_000;
const ATTACK = new Set(['forged', 'stale-replay']);
/** Faults whose span outlasts Smartcar's retries: a drop while one is active is the world's doing, not ours. */
const OUTLASTING: ReadonlySet<FaultName> = new Set(['sqs-refuse-long', 'sqs-hang-long', 'restart']);
const STATE_OF_CHARGE = 'tractionbattery-stateofcharge';
const MAX_EXAMPLES = 5;

/**
 * The accounting table and its checks: puts every generated entity in exactly one row (handled,
 * in the DLQ, quarantined, refused, dropped by Smartcar, or unaccounted), counts the extra handler
 * runs by cause, and checks the archive, the replay and each vehicle's stored state against the
 * generated truth. Every discrepancy becomes a {@link Finding}.
 *
 * @example
 * ```ts
 * const { table, checks, findings } = account(input);
 * ```
 */
export function account(input: AccountingInput): Omit<SimulationReport, 'seed' | 'events' | 'faults' | 'elapsedMs'> {
  const findings: Finding[] = [];
  const finding = (check: string, detail: string, ids: string[]): void => {
    if (ids.length > 0) findings.push({ check, count: ids.length, detail, examples: ids.slice(0, MAX_EXAMPLES) });
  };
  const entityOf = indexEntities(input.entities);
  const runsByEvent = groupRuns(
    input.runs.filter((run) => !run.r),
    entityOf,
  );
  const chainsByEntity = new Map<string, DeliveryRecord[]>();
  for (const record of input.deliveries) push(chainsByEntity, record.entityId, record);
  const dlq = new Set(input.dlqEventIds.map((id) => entityOf(id) ?? id));
  const redriven = new Set(input.redrivenEventIds.map((id) => entityOf(id) ?? id));
  const quarantined = new Map<string, string>();
  for (const entry of input.quarantine ?? []) {
    const id = (entry.eventId && entityOf(entry.eventId)) ?? bodyEntity(entry.body, input.entities);
    if (id) quarantined.set(id, entry.reason);
  }

  const accounts: EntityAccount[] = input.entities.map((entity) => {
    const runs = runsByEvent.get(entity.id) ?? [];
    const ok = runs.filter((run) => run.s === 'ok').length;
    const chains = chainsByEntity.get(entity.id) ?? [];
    const attempts = chains.flatMap((chain) => chain.attempts);
    const accepted = chains.some((chain) => chain.delivered);
    const matched: RowName[] = [];
    if (ok > 0) matched.push(ROW.HANDLED);
    if (dlq.has(entity.id)) matched.push(ROW.DLQ);
    if (quarantined.has(entity.id)) matched.push(ROW.QUARANTINED);
    let row: RowName;
    let cause: string | undefined;
    if (matched.length > 0) {
      row = matched[0]!;
      if (row === ROW.QUARANTINED) cause = quarantined.get(entity.id);
      if (row === ROW.HANDLED && redriven.has(entity.id)) cause = 'handled after the DLQ redrive';
      else if (row === ROW.HANDLED && !accepted) cause = 'handled although Smartcar saw no 2xx in time';
    } else if (ATTACK.has(entity.kind) && !accepted && attempts.length > 0) {
      // An attacker does not retry: what was not accepted is refused, whatever the answer.
      row = ROW.REFUSED;
      cause = `${[...new Set(attempts.map((a) => a.status ?? a.error))].join('/')}`;
    } else if (!accepted && attempts.some((a) => a.status !== undefined && a.status >= 400 && a.status < 500)) {
      // Every retry carries the same body, so a 4xx answered once is the answer it would get every time.
      row = ROW.DROPPED;
      cause = `refused ${[...new Set(attempts.map((a) => a.status ?? a.error))].join('/')}`;
    } else if (!accepted && attempts.length > 0) {
      row = ROW.DROPPED;
      cause = dropCause(attempts);
    } else {
      row = ROW.UNACCOUNTED;
      cause = accepted ? 'answered 2xx, then neither handled nor in the DLQ nor quarantined' : 'never sent';
      if (input.stillQueued > 0) cause += ` (${input.stillQueued} message(s) still queued at the end)`;
    }
    return { id: entity.id, kind: entity.kind, row, alsoIn: matched.slice(1), ...(cause ? { cause } : {}), runs: ok };
  });

  // The table.
  const table = Object.fromEntries(
    Object.values(ROW).map((name) => [name, { count: 0, causes: {} }]),
  ) as SimulationReport['table'];
  for (const account of accounts) {
    const cell = table[account.row];
    cell.count += 1;
    const cause = account.cause ?? account.kind;
    cell.causes[cause] = (cell.causes[cause] ?? 0) + 1;
  }

  // What each row should have held.
  const entityById = new Map(input.entities.map((e) => [e.id, e]));
  const byKind = (kind: string) => accounts.filter((a) => a.kind === kind);
  const ids = (list: EntityAccount[]) => list.map((a) => a.id);
  finding(
    'unaccounted',
    'accepted or sent, then found nowhere: not handled, not in the DLQ, not quarantined',
    ids(accounts.filter((a) => a.row === ROW.UNACCOUNTED)),
  );
  finding(
    'in two rows',
    'in more than one row at once (e.g. handled and also left in the DLQ)',
    ids(accounts.filter((a) => a.alsoIn.length > 0)),
  );
  finding(
    'authentic event lost (4xx)',
    'a correctly signed delivery answered 4xx (every retry carries the same body), so Smartcar dropped it (issue #19: quarantine it instead)',
    accounts
      .filter((a) => AUTHENTIC.has(a.kind) && a.row === ROW.DROPPED && a.cause?.startsWith('refused'))
      .map((a) => describeEntity(entityById.get(a.id)!, a.cause)),
  );
  const droppedUnexcused = accounts.filter(
    (a) =>
      AUTHENTIC.has(a.kind) &&
      a.row === ROW.DROPPED &&
      !a.cause?.startsWith('refused') &&
      !outlasted(chainsByEntity.get(a.id) ?? []),
  );
  const onlySlowAnswers = (a: EntityAccount): boolean =>
    (chainsByEntity.get(a.id) ?? []).every((chain) =>
      chain.attempts.every((attempt) => attempt.error === 'timeout' && attempt.faults.length === 0),
    );
  finding(
    'authentic event lost (outage)',
    'dropped by Smartcar while no fault outlasting its retries was active: the pipeline failed for longer than it should have',
    droppedUnexcused.filter((a) => !onlySlowAnswers(a)).map((a) => `${a.id} (${a.cause})`),
  );
  finding(
    'dropped: local answers slower than the scaled timeout',
    "every attempt timed out with no fault active: the local machine answered slower than Smartcar's scaled timeout (at least 1 s) four times; a load artifact, not a loss Smartcar's real 15 s would see (not a failed check)",
    droppedUnexcused.filter(onlySlowAnswers).map((a) => a.id),
  );
  finding(
    'unprocessable body not quarantined',
    input.quarantine
      ? 'a signed body that cannot be processed is not in the quarantine'
      : 'this build has no quarantine (issue #19): the body was refused or left in the DLQ',
    byKind('unprocessable')
      .filter((a) => a.row !== ROW.QUARANTINED)
      .map((a) => describeEntity(entityById.get(a.id)!, a.row)),
  );
  finding(
    'attack accepted',
    'a forged or stale replayed request was handled (stale ones stamped in epoch seconds pass as "unreadable": issue #19 item 2)',
    ids(
      accounts.filter((a) => ATTACK.has(a.kind) && [ROW.HANDLED, ROW.DLQ, ROW.QUARANTINED].includes(a.row as never)),
    ).map((id) => describeAttack(entityById.get(id)!)),
  );
  finding(
    'event left in the DLQ',
    'in the DLQ after the handler was fixed and the DLQ redriven',
    ids(accounts.filter((a) => a.row === ROW.DLQ && a.kind !== 'unprocessable')),
  );
  finding(
    'valid event quarantined',
    'a processable event was quarantined',
    ids(accounts.filter((a) => a.row === ROW.QUARANTINED && a.kind !== 'unprocessable')),
  );

  // Archive: every event that reached the queue was archived before its handler ran.
  const handled = accounts.filter((a) => a.row === ROW.HANDLED || a.alsoIn.includes(ROW.HANDLED));
  const enqueued = accounts.filter((a) => a.row === ROW.HANDLED || a.row === ROW.DLQ);
  const archived = new Set([...input.archivedEventIds].map((id) => entityOf(id) ?? id));
  const notArchived = ids(enqueued.filter((a) => !archived.has(a.id)));
  finding('not archived', 'handled or dead-lettered, but not in the archive', notArchived);

  // Replay: the replay run re-handles exactly the archived set.
  let replayOk = false;
  let replayDetail = 'the replay did not run';
  if (input.replay) {
    const replayed = new Set(
      input.runs.filter((run) => run.r === input.replay!.id && run.s === 'ok').map((run) => entityOf(run.e) ?? run.e),
    );
    const missing = [...archived].filter((id) => !replayed.has(id));
    const extra = [...replayed].filter((id) => !archived.has(id));
    finding('replay missed an archived event', 'archived, sent again by the replay, and not re-handled', missing);
    finding('replay handled an event not archived', 're-handled by the replay but not in the archive', extra);
    replayOk = missing.length === 0 && extra.length === 0 && input.replay.unreadable === 0;
    replayDetail = `${replayed.size} re-handled of ${archived.size} archived (${input.replay.sent} sent, ${input.replay.unreadable} unreadable)`;
  }

  // State: each vehicle's stored signals are the newest handled ones of the generated history.
  // The vehicle whose OEM clock ran ahead has no such truth (the clamp decides); its signals must
  // only not be frozen in the future.
  const futureVehicles = new Set(input.entities.filter((e) => e.kind === 'future-signal').map((e) => e.vehicleId!));
  const frozen = [...futureVehicles].filter((vehicleId) =>
    Object.values(input.stored.get(vehicleId) ?? {}).some((signal) => signal.orderedAt > Date.now() + FROZEN_AHEAD_MS),
  );
  finding(
    'signal frozen by a future oemUpdatedAt',
    'one event stamped 10 years ahead by an OEM clock still wins over every later value (issue #19.3: clamp it)',
    frozen,
  );
  const stateMismatches: string[] = [];
  const newest = new Map<string, SimEntity>();
  for (const account of handled) {
    const entity = entityById.get(account.id)!;
    if (entity.kind !== 'state' || futureVehicles.has(entity.vehicleId!)) continue;
    const current = newest.get(entity.vehicleId!);
    if (!current || entity.oemUpdatedAt! > current.oemUpdatedAt!) newest.set(entity.vehicleId!, entity);
  }
  for (const [vehicleId, truth] of newest) {
    const signals = input.stored.get(vehicleId);
    const codes = Object.keys(signals ?? {});
    const wrong = !signals
      ? ['no stored state']
      : codes.filter((code) => signals[code]!.orderedAt !== truth.oemUpdatedAt);
    if (signals && signals[STATE_OF_CHARGE]?.body.value !== truth.stateOfCharge) wrong.push(STATE_OF_CHARGE);
    if (wrong.length > 0) stateMismatches.push(`${vehicleId}: ${wrong.length} signal(s) not the newest (${wrong[0]})`);
  }
  finding(
    'stored state is not the newest',
    "a vehicle's stored signal is not the newest handled value of the generated history",
    stateMismatches,
  );

  // Reruns: a handler that completed must not run again, except where the contract allows it.
  const reruns: Record<string, number> = {};
  const badReruns: string[] = [];
  const interruptions = input.runs.filter((run) => run.s === 'kill' || run.s === 'timeout');
  for (const [eventId, runs] of runsByEvent) {
    const oks = runs.filter((run) => run.s === 'ok');
    for (let i = 1; i < oks.length; i++) {
      const cause = rerunCause(oks[i - 1]!, oks[i]!, runs, interruptions, input.faultWindows);
      reruns[cause.label] = (reruns[cause.label] ?? 0) + 1;
      if (!cause.allowed) badReruns.push(`${eventId} (${cause.label})`);
    }
  }
  finding(
    'completed handler re-ran',
    'a handler that had returned ran again outside what the idempotency contract allows (issue #20)',
    badReruns,
  );

  const lags = input.entities
    .map((entity) => {
      const first = (chainsByEntity.get(entity.id) ?? []).find((chain) => chain.source === 'original')?.attempts[0]?.at;
      const run = (runsByEvent.get(entity.id) ?? []).find((r) => r.s === 'ok');
      return first !== undefined && run ? run.t - first : undefined;
    })
    .filter((lag): lag is number => lag !== undefined)
    .sort((a, b) => a - b);
  const attemptsByAnswer: Record<string, number> = {};
  for (const attempt of input.deliveries.flatMap((d) => d.attempts)) {
    const key = attempt.status !== undefined ? String(attempt.status) : (attempt.error ?? 'error');
    attemptsByAnswer[key] = (attemptsByAnswer[key] ?? 0) + 1;
  }

  const unaccounted = table[ROW.UNACCOUNTED].count + accounts.filter((a) => a.alsoIn.length > 0).length;
  const checkOf = (name: string, ok: boolean, detail: string) => ({ name, ok, detail });
  const lost = findings.filter(
    (f) =>
      f.check.startsWith('authentic event lost') ||
      f.check.startsWith('unprocessable') ||
      f.check === 'event left in the DLQ',
  );
  const checks = [
    checkOf('VERIFY answered', input.verify.ok, input.verify.detail),
    checkOf('unaccounted = 0', unaccounted === 0, `${unaccounted} unaccounted or in two rows`),
    checkOf(
      'no authentic event lost',
      lost.length === 0,
      lost.map((f) => `${f.count} ${f.check}`).join('; ') || 'none',
    ),
    checkOf(
      'every attack refused',
      !findings.some((f) => f.check === 'attack accepted'),
      `${table[ROW.REFUSED].count} refused`,
    ),
    checkOf(
      'every accepted event archived',
      notArchived.length === 0,
      `${notArchived.length} of ${enqueued.length} missing`,
    ),
    checkOf('the replay re-handles exactly the archived set', replayOk, replayDetail),
    checkOf(
      'stored state = newest generated values',
      stateMismatches.length === 0,
      `${stateMismatches.length} of ${newest.size} vehicles differ`,
    ),
    checkOf(
      'no signal frozen in the future',
      frozen.length === 0,
      `${frozen.length} of ${futureVehicles.size} vehicles`,
    ),
    checkOf('reruns within the idempotency contract', badReruns.length === 0, `${badReruns.length} not allowed`),
  ];
  return {
    table,
    reruns,
    checks,
    findings,
    faultWindows: [...input.faultWindows],
    lagMs: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), max: lags.at(-1) ?? 0 },
    attempts: attemptsByAnswer,
    ok: checks.every((check) => check.ok),
    quarantineAvailable: input.quarantine !== undefined,
    timeScale: input.timeScale,
  };
}

/** The cause of a drop: the kinds of answer Smartcar got, and the faults active meanwhile. */
function dropCause(attempts: DeliveryRecord['attempts']): string {
  const kinds = new Set(
    attempts.map((a) =>
      a.status !== undefined
        ? `${Math.floor(a.status / 100)}xx`
        : a.error === 'timeout'
          ? 'timeout'
          : 'connection error',
    ),
  );
  const faults = [...new Set(attempts.flatMap((a) => a.faults))];
  return `${[...kinds].sort().join('/')} during ${faults.length > 0 ? faults.join('+') : 'no fault'}`;
}

/** Whether every failed attempt of every chain fell while a fault outlasting Smartcar's retries was active. */
function outlasted(chains: readonly DeliveryRecord[]): boolean {
  return chains.every((chain) => chain.attempts.every((a) => a.faults.some((f) => OUTLASTING.has(f))));
}

/**
 * How long after a throttle ends a completion write that began under it may still be retrying (the
 * SDK's backoff over its attempts), and so may still fail.
 */
const COMPLETION_RETRY_MS = 1_000;

function rerunCause(
  previous: HandlerRun,
  next: HandlerRun,
  runs: readonly HandlerRun[],
  interruptions: readonly HandlerRun[],
  windows: readonly FaultWindow[],
): { label: string; allowed: boolean } {
  const nextStart = runs.filter((run) => run.s === 'start' && run.t <= next.t).at(-1)?.t ?? next.t;
  const between = (t: number) => t >= previous.t && t <= nextStart;
  const overlapping = windows.filter((w) => w.from <= nextStart && w.to >= previous.t).map((w) => w.fault);
  // A handler's return is not its completion: Powertools writes COMPLETED right after. When DynamoDB
  // was throttling at that moment, the write is retried and may fail or land late, and the record
  // may run again as the contract allows, even if its worker is killed later (seen under CI's load).
  const throttledAtCompletion = windows.some(
    (w) => w.fault === 'dynamodb-throttle' && w.from <= previous.t && previous.t <= w.to + COMPLETION_RETRY_MS,
  );
  if (throttledAtCompletion) {
    return { label: 'its completion could not be stored: DynamoDB throttled', allowed: true };
  }
  if (interruptions.some((run) => run.w === previous.w && between(run.t))) {
    return {
      label: 'completed, then its batch was killed or timed out (no per-record completion, #20)',
      allowed: false,
    };
  }
  if (overlapping.includes('dynamodb-throttle')) {
    return { label: 'its completion could not be stored: DynamoDB throttled', allowed: true };
  }
  if (overlapping.includes('dynamodb-slow')) {
    return { label: 'completed, then its batch timed out on slow DynamoDB (#20)', allowed: false };
  }
  if (overlapping.includes('restart')) return { label: 'completed, then the pipeline restarted', allowed: false };
  return { label: 'completed, then ran again (concurrent copy?, #20 finding 1)', allowed: false };
}

/** An entity's id with what it is (and, given, where it ended), for a finding's examples. */
function describeEntity(entity: SimEntity, where?: string): string {
  const what = entity.unprocessable ?? entity.kind;
  return `${entity.id} (${what}${where ? `: ${where}` : ''})`;
}

function describeAttack(entity: SimEntity): string {
  return `${entity.id} (${entity.kind}${entity.secondsStamp ? ', deliveredAt in seconds' : ''})`;
}

/** Maps an eventId as the pipeline saw it (a padded long id included) to the entity's id. */
function indexEntities(entities: readonly SimEntity[]): (eventId: string) => string | undefined {
  const ids = new Set(entities.map((e) => e.id));
  return (eventId) => {
    if (ids.has(eventId)) return eventId;
    const prefix = eventId.slice(0, 36);
    return ids.has(prefix) ? prefix : undefined;
  };
}

function bodyEntity(body: Buffer, entities: readonly SimEntity[]): string | undefined {
  const text = body.toString('latin1');
  return entities.find((entity) => text.includes(entity.id))?.id;
}

function groupRuns(
  runs: readonly HandlerRun[],
  entityOf: (id: string) => string | undefined,
): Map<string, HandlerRun[]> {
  const grouped = new Map<string, HandlerRun[]>();
  for (const run of [...runs].sort((a, b) => a.t - b.t)) push(grouped, entityOf(run.e) ?? run.e, run);
  return grouped;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? 0 : Math.round(percentile(sorted, q));
}
