import { randomBytes } from 'node:crypto';
import { planDeliveries, type SendKind } from './send-plan.ts';
import { type DeliveryResult, sendDeliveries } from './send-run.ts';
import type { SmokeTarget } from './smoke-target.ts';
import { waitForCompletion } from './wait-for-completion.ts';

/** Prefix of the smoke test's vehicle ids, so a handler or a log reader can tell them apart. */
export const SMOKE_VEHICLE_PREFIX = 'smoke-test-';

/** Options of {@link runSmoke}. */
export interface SmokeOptions {
  /** How long to wait for the processor to record the event as COMPLETED. */
  timeoutMs: number;
  /** Pause between reads of the event's status. @default 250 */
  pollIntervalMs?: number;
  /** Per-request timeout of the two deliveries. @default 10_000 */
  requestTimeoutMs?: number;
  /** Receives the progress output, a piece at a time. */
  write(text: string): void;
  /** Told each step as it ends (`--json` writes it as a line). */
  onStep?: (step: SmokeStep) => void;
}

/** One step of the smoke test and how it went. */
export interface SmokeStep {
  name: string;
  result: 'ok' | 'failed' | 'skipped';
  latencyMs: number;
  detail: string;
}

/** What {@link runSmoke} found. */
export interface SmokeReport {
  passed: boolean;
  steps: SmokeStep[];
  eventId: string;
  vehicleId: string;
}

/**
 * The smoke test: a signed VERIFY (its answer must be HMAC-SHA256(AMT, challenge)), then a signed
 * VEHICLE_STATE marked as a test delivery (`meta.mode: "TEST"`, for vehicle `smoke-test-<hex>`)
 * that must be accepted, then reads of the event's idempotency record until the processor has
 * recorded it COMPLETED (bounded by `timeoutMs`). Writes each step with its latency as it ends.
 *
 * @example
 * ```ts
 * const report = await runSmoke(target, { timeoutMs: 60_000, write: (t) => process.stdout.write(t) });
 * process.exitCode = report.passed ? 0 : 1;
 * ```
 */
export async function runSmoke(target: SmokeTarget, options: SmokeOptions): Promise<SmokeReport> {
  const vehicleId = `${SMOKE_VEHICLE_PREFIX}${randomBytes(4).toString('hex')}`;
  const steps: SmokeStep[] = [];
  const record = (step: SmokeStep): void => {
    steps.push(step);
    options.write(`${formatStep(step)}\n`);
    options.onStep?.(step);
  };

  const verify = await deliver(target, 'verify', vehicleId, options);
  record(deliveryStep('VERIFY', verify.result, 'answered with HMAC-SHA256(AMT, challenge)'));

  const state = await deliver(target, 'state', vehicleId, options);
  const eventId = state.delivery.eventId ?? '';
  record(
    deliveryStep(
      'VEHICLE_STATE',
      state.result,
      `accepted: test delivery (meta.mode TEST), vehicle ${vehicleId}, eventId ${eventId}`,
    ),
  );

  if (!state.result.ok) {
    record({
      name: 'processed',
      result: 'skipped',
      latencyMs: 0,
      detail: 'the VEHICLE_STATE delivery was not accepted',
    });
  } else {
    record(await waitStep(target, eventId, options));
  }
  return { passed: steps.every((s) => s.result === 'ok'), steps, eventId, vehicleId };
}

async function deliver(
  target: SmokeTarget,
  kind: SendKind,
  vehicleId: string,
  options: SmokeOptions,
): Promise<{ delivery: ReturnType<typeof planDeliveries>[number]; result: DeliveryResult }> {
  const [delivery] = planDeliveries({
    kind,
    amt: target.amt,
    count: 1,
    duplicateRate: 0,
    badSignature: false,
    mode: 'TEST',
    vehicleId,
  });
  const [result] = await sendDeliveries([delivery!], {
    url: target.webhookUrl,
    amt: target.amt,
    concurrency: 1,
    timeoutMs: options.requestTimeoutMs ?? 10_000,
  });
  return { delivery: delivery!, result: result! };
}

function deliveryStep(name: string, result: DeliveryResult, okDetail: string): SmokeStep {
  return {
    name,
    result: result.ok ? 'ok' : 'failed',
    latencyMs: result.latencyMs,
    detail: result.ok ? `${result.status} ${okDetail}` : (result.problem ?? 'unexpected answer'),
  };
}

async function waitStep(target: SmokeTarget, eventId: string, options: SmokeOptions): Promise<SmokeStep> {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  options.write(
    `      waiting up to ${seconds(options.timeoutMs)} for ${target.statusSource} to show the event COMPLETED `,
  );
  const started = performance.now();
  let dots = 0;
  // One dot per second waited, however often the status is read.
  const progress = (): void => {
    for (const due = Math.floor((performance.now() - started) / 1000); dots < due; dots++) options.write('.');
  };
  try {
    const waited = await waitForCompletion(target.readStatus, eventId, {
      timeoutMs: options.timeoutMs,
      intervalMs: options.pollIntervalMs ?? 250,
      onRead: progress,
    });
    options.write('\n');
    const reads = `${waited.reads} read${waited.reads === 1 ? '' : 's'}`;
    return waited.completed
      ? {
          name: 'processed',
          result: 'ok',
          latencyMs: waited.elapsedMs,
          detail: `COMPLETED by the processor (${reads})`,
        }
      : {
          name: 'processed',
          result: 'failed',
          latencyMs: waited.elapsedMs,
          detail: `not COMPLETED within ${seconds(options.timeoutMs)} (last: ${waited.last ?? 'no record'}, ${reads}); ${target.hint}`,
        };
  } catch (error) {
    options.write('\n');
    return {
      name: 'processed',
      result: 'failed',
      latencyMs: performance.now() - started,
      detail: (error as Error).message,
    };
  }
}

/**
 * One step as a line: result, name, latency, detail.
 *
 * @example
 * ```ts
 * formatStep({ name: 'VERIFY', result: 'ok', latencyMs: 41.2, detail: '200 ...' }); // 'ok    VERIFY          41.2 ms  200 ...'
 * ```
 */
export function formatStep(step: SmokeStep): string {
  const label = { ok: 'ok', failed: 'FAIL', skipped: 'SKIP' }[step.result];
  return `${label.padEnd(5)} ${step.name.padEnd(13)} ${step.latencyMs.toFixed(1).padStart(8)} ms  ${step.detail}`;
}
