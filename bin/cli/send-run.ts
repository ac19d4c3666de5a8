import { PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import { computeSignature } from '../../lambda/core/signature.ts';
import { isLoopbackUrl } from './local-address.ts';
import { percentile } from './percentile.ts';
import type { Delivery } from './send-plan.ts';

/** What happened to one delivery. */
export interface DeliveryResult {
  delivery: Delivery;
  /** HTTP status; absent when no answer came (connection refused, timeout). */
  status?: number;
  latencyMs: number;
  ok: boolean;
  /** Why `ok` is false. */
  problem?: string;
  /** Nothing listens at the URL (connection refused). */
  refused?: boolean;
}

export interface SendOptions {
  url: string;
  amt: string;
  /** Requests in flight at once. */
  concurrency: number;
  timeoutMs: number;
  /** Called as each answer arrives (progress output). */
  onResult?: (result: DeliveryResult) => void;
}

/**
 * Posts each delivery to `url` with at most `concurrency` in flight, timing each request and
 * checking its answer: the expected status, and for VERIFY the challenge HMAC'd with the AMT.
 * Duplicates are sent only after their original has been answered, like a retry.
 *
 * @example
 * ```ts
 * const results = await sendDeliveries(deliveries, { url, amt, concurrency: 4, timeoutMs: 10_000 });
 * const failed = results.filter((r) => !r.ok).length;
 * ```
 */
export async function sendDeliveries(deliveries: readonly Delivery[], options: SendOptions): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = new Array(deliveries.length);
  const answered = new Map<number, Promise<void>>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < deliveries.length) {
      const index = next++;
      const delivery = deliveries[index]!;
      // A retry follows the attempt it repeats; the original is the one just before it.
      if (delivery.duplicate) await answered.get(index - 1);
      const done = sendOne(delivery, options).then((result) => {
        results[index] = result;
        options.onResult?.(result);
      });
      answered.set(index, done);
      await done;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, deliveries.length)) }, worker));
  return results;
}

async function sendOne(delivery: Delivery, options: SendOptions): Promise<DeliveryResult> {
  const started = performance.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(options.url, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    const latencyMs = performance.now() - started;
    if (cause === 'ECONNREFUSED')
      return { delivery, latencyMs, ok: false, refused: true, problem: connectionRefused(options.url) };
    return { delivery, latencyMs, ok: false, problem: `no answer (${cause})` };
  }
  const latencyMs = performance.now() - started;
  const problem = checkAnswer(delivery, response.status, text, options.amt);
  return { delivery, status: response.status, latencyMs, ok: !problem, ...(problem ? { problem } : {}) };
}

/**
 * What a refused connection means: for a loopback URL, that the local pipeline is not running there.
 *
 * @example
 * ```ts
 * connectionRefused('http://127.0.0.1:8080/webhooks/smartcar');
 * // 'connection refused: the local pipeline is not running at http://127.0.0.1:8080 (start it with npm start; ...)'
 * ```
 */
export function connectionRefused(url: string): string {
  const target = new URL(url);
  return isLoopbackUrl(target)
    ? `connection refused: the local pipeline is not running at ${target.origin} (start it with npm start; PORT or --url pick another address)`
    : `connection refused by ${target.origin}: nothing listens there`;
}

/**
 * Why an answer is not the expected one, or `undefined` when it is.
 *
 * @example
 * ```ts
 * checkAnswer(delivery, 200, '{"challenge":"..."}', amt); // undefined when the HMAC matches
 * ```
 */
export function checkAnswer(delivery: Delivery, status: number, body: string, amt: string): string | undefined {
  const statusOk = delivery.expect === '2xx' ? status >= 200 && status < 300 : status === delivery.expect;
  if (!statusOk) {
    const refused = `expected ${delivery.expect}, got ${status}: ${body.slice(0, 200)}`;
    return isStaleDelivery(body) ? `${refused}\n${staleDeliveryHint(delivery)}` : refused;
  }
  if (delivery.challenge === undefined || status !== 200) return undefined;
  let answer: unknown;
  try {
    answer = (JSON.parse(body) as { challenge?: unknown }).challenge;
  } catch {
    return `VERIFY answer is not JSON: ${body.slice(0, 200)}`;
  }
  const expected = computeSignature(amt, delivery.challenge);
  return answer === expected
    ? undefined
    : `VERIFY answer ${String(answer)} is not HMAC-SHA256(AMT, challenge) = ${expected}`;
}

function isStaleDelivery(body: string): boolean {
  try {
    return (JSON.parse(body) as { error?: unknown }).error === 'stale_delivery';
  } catch {
    return false;
  }
}

/** Why the receiver refused the body, and how to send an old capture anyway (locally). */
function staleDeliveryHint(delivery: Delivery): string {
  const minutes = PIPELINE_DEFAULTS.deliveryToleranceSeconds / 60;
  const lines = [
    `     stale_delivery: the receiver refuses a signed delivery whose meta.deliveredAt is more than its tolerance`,
    `     (${minutes} minutes unless the stack sets deliveryToleranceSeconds) from its clock, so a captured body cannot be replayed.`,
  ];
  if (delivery.deliveredAt !== undefined) {
    const at = new Date(delivery.deliveredAt).toISOString();
    lines.push(`     This body's meta.deliveredAt is ${at}, ${describeAge(Date.now() - delivery.deliveredAt)}.`);
  }
  lines.push(
    `     To test with an old capture, add --restamp: it sets meta.deliveredAt to now before signing.`,
    `     Replays of archived events go through the queue (npm run dlq -- redrive), never through the receiver.`,
  );
  return lines.join('\n');
}

function describeAge(ageMs: number): string {
  const ahead = ageMs < 0;
  const seconds = Math.round(Math.abs(ageMs) / 1000);
  const amount =
    seconds >= 86_400
      ? `${Math.round(seconds / 86_400)} days`
      : seconds >= 3_600
        ? `${Math.round(seconds / 3_600)} hours`
        : `${seconds} s`;
  return ahead ? `${amount} ahead of this machine's clock` : `${amount} ago`;
}

/**
 * Latency percentiles (nearest rank, see {@link percentile}) and status counts of a run, as lines
 * for the terminal.
 *
 * @example
 * ```ts
 * console.log(summarize(results).join('\n'));
 * ```
 */
export function summarize(results: readonly DeliveryResult[]): string[] {
  const s = sendSummary(results);
  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  return [
    `sent ${s.sent} deliveries (${s.events} events, ${s.redeliveries} redeliveries)`,
    `status ${Object.entries(s.statuses)
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ')}`,
    `latency p50 ${ms(s.latencyMs.p50)}, p95 ${ms(s.latencyMs.p95)}, max ${ms(s.latencyMs.max)}`,
    s.unexpected === 0 ? 'all answers as expected' : `${s.unexpected} unexpected answer(s)`,
  ];
}

/** The figures of a run's summary, for the terminal ({@link summarize}) and `--json`. */
export interface SendSummary {
  sent: number;
  events: number;
  redeliveries: number;
  /** Answers by status (`none` when no answer came). */
  statuses: Record<string, number>;
  latencyMs: { p50: number; p95: number; max: number };
  unexpected: number;
  ok: boolean;
}

/**
 * The figures of a run (latency percentiles by nearest rank, see {@link percentile}).
 *
 * @example
 * ```ts
 * sendSummary(results).unexpected; // 0
 * ```
 */
export function sendSummary(results: readonly DeliveryResult[]): SendSummary {
  const latencies = results.map((r) => r.latencyMs);
  const pick = (q: number): number => Number((latencies.length === 0 ? 0 : percentile(latencies, q)).toFixed(1));
  const statuses: Record<string, number> = {};
  for (const r of results) statuses[String(r.status ?? 'none')] = (statuses[String(r.status ?? 'none')] ?? 0) + 1;
  const unexpected = results.filter((r) => !r.ok).length;
  const duplicates = results.filter((r) => r.delivery.duplicate).length;
  return {
    sent: results.length,
    events: results.length - duplicates,
    redeliveries: duplicates,
    statuses,
    latencyMs: { p50: pick(0.5), p95: pick(0.95), max: pick(1) },
    unexpected,
    ok: unexpected === 0,
  };
}
