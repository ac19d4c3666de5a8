import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildVerify, signedHeaders } from '../../bin/cli/sample-events.ts';
import { computeSignature } from '../../lambda/core/signature.ts';
import { SMARTCAR } from './constants.ts';
import { buildBody } from './traffic.ts';
import type { AttemptRecord, DeliveryRecord, FaultName, SimEntity } from './types.ts';

/** Options of {@link createSmartcar}. */
export interface SmartcarOptions {
  /** The callback URI (the pipeline's webhook route, or a front door in front of it). */
  url: () => string;
  amt: string;
  /** Smartcar's clock runs this many times faster than the real one: retry waits and the attempt timeout shrink. */
  timeScale: number;
  /** The faults active at any time from `from` to `to` (an attempt's span: recorded on it, the drop's cause). */
  activeFaults: (from: number, to: number) => FaultName[];
}

/** The simulated Smartcar: VERIFY, then deliveries with Smartcar's retries. */
export interface Smartcar {
  /** Sends VERIFY and checks the challenge answer; Smartcar delivers no event before it succeeds. */
  verify(): Promise<{ ok: boolean; detail: string }>;
  /** Delivers `entity` as Smartcar would (or as an attacker would, for forged and stale requests). */
  deliver(entity: SimEntity): Promise<void>;
  /** Every delivery chain so far. */
  readonly deliveries: DeliveryRecord[];
  /** Deliveries started and not finished. */
  readonly inFlight: number;
}

/**
 * The shortest attempt timeout, real ms. Smartcar's 15 s is scaled like its other waits, but the
 * pipeline's own work is not: a local receiver on a loaded 2-core machine answers in up to a few
 * hundred ms, so 15 s / 100 would fail attempts Smartcar's real 15 s never would.
 */
export const MIN_ATTEMPT_TIMEOUT_MS = 1_000;

/** Smartcar's 15 s per attempt, scaled, but not below {@link MIN_ATTEMPT_TIMEOUT_MS}. */
export function attemptTimeoutMs(timeScale: number): number {
  return Math.max(SMARTCAR.attemptTimeoutMs / timeScale, MIN_ATTEMPT_TIMEOUT_MS);
}

/**
 * Real ms from a delivery's first attempt to the end of its last when every attempt times out:
 * attempts are sequential (the next one is sent at its offset, or when the previous one ended).
 * An outage longer than this makes Smartcar drop what it started delivering within it.
 */
export function retryScheduleRealMs(timeScale: number): number {
  let end = 0;
  for (const offset of SMARTCAR.attemptOffsetsMs) end = Math.max(offset / timeScale, end) + attemptTimeoutMs(timeScale);
  return end;
}

/** A token that is not the AMT: what a forger signs with. */
const FORGER_TOKEN = 'not-the-application-management-token';
/** How long after the original an at-least-once duplicate is delivered, in Smartcar time. */
const DUPLICATE_AFTER_SIM_MS = 20_000;

/**
 * A Smartcar that delivers as its docs say (research notes on Smartcar webhooks, section 4,
 * "Delivery behavior"): it signs each body with the AMT (`SC-Signature`, HMAC-SHA256 of the raw
 * body, lowercase hex), sends VERIFY first, gives each attempt 15 s and treats anything but a 2xx
 * as a failure (3xx and 4xx included), retries 3 times 25 s, 50 s and 100 s after the first
 * attempt's wait (attempts at 0, 25, 75 and 175 s) with the same `eventId`, a fresh `deliveryId` and
 * a fresh `deliveredAt`, and drops the event after the fourth failure. Delivery is at-least-once:
 * a duplicate is a second delivery of the same eventId. Its clock runs `timeScale` times faster,
 * so waits and timeouts are divided by it. Attackers do not retry: a forged or replayed request is
 * sent once.
 *
 * @example
 * ```ts
 * const smartcar = createSmartcar({ url: () => pipeline.webhookUrl, amt, timeScale: 100, activeFaults });
 * if (!(await smartcar.verify()).ok) throw new Error('VERIFY failed');
 * await Promise.all(entities.map((entity) => smartcar.deliver(entity)));
 * ```
 */
export function createSmartcar(options: SmartcarOptions): Smartcar {
  const deliveries: DeliveryRecord[] = [];
  let inFlight = 0;
  const timeoutMs = attemptTimeoutMs(options.timeScale);

  const post = async (
    body: Buffer,
    headers: Record<string, string>,
    deliveryId: string,
    attempt: number,
  ): Promise<AttemptRecord> => {
    const at = Date.now();
    const started = performance.now();
    try {
      const response = await fetch(options.url(), {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      const faults = options.activeFaults(at, Date.now());
      return { at, deliveryId, attempt, status: response.status, latencyMs: performance.now() - started, faults };
    } catch (error) {
      const name = (error as Error).name;
      const code = (error as { cause?: { code?: string } }).cause?.code;
      const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : (code ?? name);
      const faults = options.activeFaults(at, Date.now());
      return { at, deliveryId, attempt, error: reason, latencyMs: performance.now() - started, faults };
    }
  };

  /** One delivery chain: Smartcar's four attempts, each with a fresh deliveryId and deliveredAt. */
  const chain = async (entity: SimEntity, source: DeliveryRecord['source']): Promise<DeliveryRecord> => {
    const record: DeliveryRecord = { entityId: entity.id, source, attempts: [], delivered: false };
    deliveries.push(record);
    const first = Date.now();
    for (let attempt = 0; attempt < SMARTCAR.attemptOffsetsMs.length; attempt++) {
      const due = first + SMARTCAR.attemptOffsetsMs[attempt]! / options.timeScale;
      if (due > Date.now()) await sleep(due - Date.now());
      const deliveryId = randomUUID();
      const body = buildBody(entity, deliveryId, Date.now());
      const result = await post(body, signedHeaders(body, options.amt), deliveryId, attempt);
      record.attempts.push(result);
      if (result.status !== undefined && SMARTCAR.isSuccess(result.status)) {
        record.delivered = true;
        if (entity.verbatimReplay) lastAccepted.set(entity.id, body);
        return record;
      }
    }
    return record;
  };

  const lastAccepted = new Map<string, Buffer>();

  /** An attacker's single request: no retries. */
  const once = async (entity: SimEntity, body: Buffer, signature: string, source: DeliveryRecord['source']) => {
    const record: DeliveryRecord = { entityId: entity.id, source, attempts: [], delivered: false };
    deliveries.push(record);
    const headers = { ...signedHeaders(body, options.amt), 'sc-signature': signature };
    const result = await post(body, headers, randomUUID(), 0);
    record.attempts.push(result);
    record.delivered = result.status !== undefined && SMARTCAR.isSuccess(result.status);
  };

  return {
    deliveries,
    get inFlight() {
      return inFlight;
    },
    async verify() {
      const challenge = randomUUID();
      const body = Buffer.from(JSON.stringify(buildVerify({ challenge })));
      const result = await post(body, signedHeaders(body, options.amt), randomUUID(), 0);
      if (result.status !== 200) return { ok: false, detail: `VERIFY answered ${result.status ?? result.error}` };
      return { ok: true, detail: `VERIFY answered 200 in ${Math.round(result.latencyMs)} ms` };
    },
    async deliver(entity) {
      inFlight++;
      try {
        if (entity.kind === 'forged') {
          const body = buildBody(entity, randomUUID(), Date.now());
          return await once(entity, body, computeSignature(FORGER_TOKEN, body), 'attack');
        }
        if (entity.kind === 'stale-replay') {
          // A genuine capture: Smartcar signed it with the AMT when it delivered it, two hours ago.
          const body = buildBody(entity, randomUUID(), Date.now());
          return await once(entity, body, computeSignature(options.amt, body), 'attack');
        }
        const copies: Array<Promise<unknown>> = [chain(entity, 'original')];
        for (let i = 1; i <= entity.duplicates; i++) {
          copies.push(sleep((i * DUPLICATE_AFTER_SIM_MS) / options.timeScale).then(() => chain(entity, 'duplicate')));
        }
        await copies[0];
        const captured = lastAccepted.get(entity.id);
        if (captured) {
          // An attacker who captured the accepted attempt sends the same bytes and signature again.
          await once(entity, captured, computeSignature(options.amt, captured), 'verbatim');
        }
        await Promise.all(copies);
      } finally {
        inFlight--;
      }
    },
  };
}
