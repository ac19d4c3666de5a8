import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAULT_NAMES, SIMULATE_DEFAULTS } from './constants.ts';
import type { FaultProxy } from './fault-proxy.ts';
import { ARMED } from './sim-handlers.ts';
import { retryScheduleRealMs } from './smartcar.ts';
import type { FaultName, FaultWindow } from './types.ts';

/** What a fault does; resolves when the fault is over (its window is recorded by the caller). */
type FaultAction = () => Promise<void>;

/** What the faults act on. */
export interface FaultContext {
  timeScale: number;
  visibilityTimeoutSeconds: number;
  sqsProxy: FaultProxy;
  dynamoProxy: FaultProxy;
  paths: { control: string; archive: string; archiveStore: string; archiveBlocked: string };
  setSkew(ms: number): void;
  restart(): Promise<void>;
  writeHandlers(broken: boolean): Promise<void>;
}

/**
 * Faults on the intake (between Smartcar and SQS) and faults on the processing side run in two
 * lanes at once: each lane's faults one after the other, so every drop and every rerun has one
 * cause on its side. The restart takes both sides down, so it comes last, alone.
 */
const INTAKE: ReadonlySet<FaultName> = new Set([
  'sqs-refuse-short',
  'sqs-hang-short',
  'clock-skew',
  'sqs-refuse-long',
  'sqs-hang-long',
]);
const GAP_MS = 500;

/** How long each fault lasts, real ms, at this time scale. */
export function faultSpans(timeScale: number, visibilityTimeoutSeconds: number): Record<FaultName, number> {
  const d = SIMULATE_DEFAULTS;
  // Long outages outlast Smartcar's whole schedule (as its attempts really run); short ones end well within it.
  const schedule = retryScheduleRealMs(timeScale);
  const longMs = Math.max(d.longOutageSimMs / timeScale, schedule * 1.3 + 500);
  const shortMs = Math.min(d.shortOutageSimMs / timeScale, schedule / 3);
  return {
    'sqs-refuse-short': shortMs,
    'sqs-refuse-long': longMs,
    'sqs-hang-short': shortMs,
    'sqs-hang-long': longMs,
    'dynamodb-throttle': d.dynamoFaultMs,
    'dynamodb-slow': d.dynamoFaultMs,
    'archive-down': d.archiveFaultMs,
    'worker-kill': 1_000,
    'invocation-timeout': visibilityTimeoutSeconds * 1000,
    'clock-skew': d.clockSkewSpanMs,
    // About: the queue snapshot at stop waits a visibility timeout for the batches in flight.
    restart: (visibilityTimeoutSeconds + 3) * 1000,
    'handler-bug': d.handlerBugMs,
  };
}

/** The chosen faults in their lanes, and the traffic window they need to all fall within it. */
export function planFaults(
  faults: readonly FaultName[],
  timeScale: number,
  visibilityTimeoutSeconds: number,
): { lanes: FaultName[][]; neededMs: number } {
  const chosen = FAULT_NAMES.filter((fault) => faults.includes(fault));
  const spans = faultSpans(timeScale, visibilityTimeoutSeconds);
  const intake = chosen.filter((fault) => INTAKE.has(fault));
  const processing = chosen.filter((fault) => !INTAKE.has(fault) && fault !== 'restart');
  const last = chosen.includes('restart') ? ['restart' as const] : [];
  const length = (lane: readonly FaultName[]) => lane.reduce((sum, fault) => sum + spans[fault] + GAP_MS, 0);
  const lanes = [intake, processing].filter((lane) => lane.length > 0);
  const neededMs = Math.max(0, ...lanes.map(length)) + length(last);
  return { lanes: last.length > 0 ? [...lanes, last] : lanes, neededMs: Math.ceil(neededMs * 1.15) };
}

/**
 * Runs the planned faults across the traffic window: the lanes at once, each lane's faults one after
 * the other at evenly spread slots, the restart (the last lane) once the others are over.
 * Records when each fault was active in `windows`.
 */
export async function runFaults(options: {
  lanes: FaultName[][];
  context: FaultContext;
  windowMs: number;
  trafficStart: number;
  windows: FaultWindow[];
  say: (line: string) => void;
}): Promise<void> {
  const actions = faultActions(options.context);
  const spans = faultSpans(options.context.timeScale, options.context.visibilityTimeoutSeconds);
  const runLane = async (lane: readonly FaultName[], from: number, to: number): Promise<void> => {
    for (const [i, fault] of lane.entries()) {
      const due = from + ((to - from) * i) / lane.length;
      await sleep(Math.max(0, due - Date.now()));
      const window: FaultWindow = { fault, from: Date.now(), to: Number.POSITIVE_INFINITY };
      options.windows.push(window);
      options.say(`  fault ${fault} begins`);
      try {
        await actions[fault]();
      } finally {
        window.to = Date.now();
      }
      options.say(`  fault ${fault} over after ${((window.to - window.from) / 1000).toFixed(1)} s`);
    }
  };
  const hasRestart = options.lanes.at(-1)?.[0] === 'restart';
  const parallel = hasRestart ? options.lanes.slice(0, -1) : options.lanes;
  const restartAt = options.trafficStart + options.windowMs - (hasRestart ? spans.restart * 1.15 + GAP_MS : 0);
  const start = options.trafficStart + GAP_MS;
  await Promise.all(parallel.map((lane) => runLane(lane, start, restartAt - GAP_MS)));
  if (hasRestart) await runLane(['restart'], Math.max(Date.now(), restartAt), restartAt);
}

function faultActions(context: FaultContext): Record<FaultName, FaultAction> {
  const d = SIMULATE_DEFAULTS;
  const spans = faultSpans(context.timeScale, context.visibilityTimeoutSeconds);
  const proxyFor =
    (proxy: FaultProxy, mode: FaultProxy['mode'], ms: number): FaultAction =>
    async () => {
      proxy.mode = mode;
      await sleep(ms);
      proxy.mode = { kind: 'pass' };
    };
  const arm =
    (name: string): FaultAction =>
    async () => {
      await writeFile(join(context.paths.control, name), '');
      // The fault lasts until a handler in the middle of a batch fires it (or 30 s pass).
      const deadline = Date.now() + 30_000;
      while (!existsSync(join(context.paths.control, `${name}.fired`)) && Date.now() < deadline) await sleep(50);
      await rm(join(context.paths.control, name), { force: true });
    };
  return {
    'sqs-refuse-short': proxyFor(context.sqsProxy, { kind: 'refuse' }, spans['sqs-refuse-short']),
    'sqs-refuse-long': proxyFor(context.sqsProxy, { kind: 'refuse' }, spans['sqs-refuse-long']),
    'sqs-hang-short': proxyFor(context.sqsProxy, { kind: 'hang' }, spans['sqs-hang-short']),
    'sqs-hang-long': proxyFor(context.sqsProxy, { kind: 'hang' }, spans['sqs-hang-long']),
    'dynamodb-throttle': proxyFor(
      context.dynamoProxy,
      { kind: 'throttle', share: d.throttleShare },
      spans['dynamodb-throttle'],
    ),
    'dynamodb-slow': proxyFor(context.dynamoProxy, { kind: 'slow', delayMs: d.dynamoSlowMs }, spans['dynamodb-slow']),
    'archive-down': async () => {
      await pointLink(context.paths.archive, context.paths.archiveBlocked);
      await sleep(spans['archive-down']);
      await pointLink(context.paths.archive, context.paths.archiveStore);
    },
    'worker-kill': arm(ARMED.kill),
    'invocation-timeout': arm(ARMED.timeout),
    'clock-skew': async () => {
      context.setSkew(d.clockSkewMs);
      await sleep(spans['clock-skew']);
      context.setSkew(0);
    },
    restart: () => context.restart(),
    'handler-bug': async () => {
      await context.writeHandlers(true);
      await sleep(spans['handler-bug']);
      await context.writeHandlers(false);
    },
  };
}

/** Points the symlink `link` at `target`, atomically (a new link renamed over the old one). */
export async function pointLink(link: string, target: string): Promise<void> {
  const temporary = `${link}.${randomUUID()}`;
  await symlink(target, temporary);
  await rename(temporary, link);
}
