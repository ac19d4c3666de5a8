/**
 * The end-to-end load generator, run in its own process (`fork`) so it has its own core and
 * event loop, as Smartcar does: builds signed VEHICLE_STATE deliveries spread over a fleet,
 * redelivers a share of them like Smartcar retries, posts them with the send CLI's sender and
 * reports each answer with its wall-clock time. Protocol: one `LoadPlan` message in, one
 * `LoadReport` message out.
 */
import { randomUUID } from 'node:crypto';
import { buildVehicleState, signedHeaders } from '../bin/cli/sample-events.ts';
import type { Delivery } from '../bin/cli/send-plan.ts';
import { sendDeliveries } from '../bin/cli/send-run.ts';
import { wallClockMs } from './stats.ts';

/** What the parent asks for. */
export interface LoadPlan {
  url: string;
  amt: string;
  events: number;
  /** Share of events delivered a second time after their first answer. */
  duplicateRate: number;
  vehicles: number;
  concurrency: number;
  timeoutMs: number;
}

/** One answer: `answeredAt` is wall-clock epoch ms (sub-ms), comparable across processes. */
export interface LoadAnswer {
  eventId: string;
  duplicate: boolean;
  status?: number;
  latencyMs: number;
  answeredAt: number;
}

export interface LoadReport {
  answers: LoadAnswer[];
  startedAt: number;
  finishedAt: number;
}

function plan(options: LoadPlan): Delivery[] {
  const fleet = Array.from({ length: options.vehicles }, () => randomUUID());
  const deliveries: Delivery[] = [];
  const redeliverEvery = options.duplicateRate > 0 ? Math.round(1 / options.duplicateRate) : 0;
  for (let i = 0; i < options.events; i++) {
    const payload = buildVehicleState({ vehicleId: fleet[i % fleet.length]! });
    const eventId = payload.eventId as string;
    const original = Buffer.from(JSON.stringify(payload));
    deliveries.push({
      body: original,
      headers: signedHeaders(original, options.amt),
      eventId,
      duplicate: false,
      expect: 200,
    });
    if (redeliverEvery > 0 && i % redeliverEvery === 0) {
      const meta = { ...(payload.meta as Record<string, unknown>), deliveryId: randomUUID(), deliveredAt: Date.now() };
      const retry = Buffer.from(JSON.stringify({ ...payload, meta }));
      deliveries.push({
        body: retry,
        headers: signedHeaders(retry, options.amt),
        eventId,
        duplicate: true,
        expect: 200,
      });
    }
  }
  return deliveries;
}

async function run(options: LoadPlan): Promise<LoadReport> {
  const deliveries = plan(options);
  const answers: LoadAnswer[] = [];
  const startedAt = wallClockMs();
  await sendDeliveries(deliveries, {
    url: options.url,
    amt: options.amt,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    onResult: (result) => {
      answers.push({
        eventId: result.delivery.eventId ?? '',
        duplicate: result.delivery.duplicate,
        latencyMs: result.latencyMs,
        answeredAt: wallClockMs(),
        ...(result.status !== undefined ? { status: result.status } : {}),
      });
    },
  });
  return { answers, startedAt, finishedAt: wallClockMs() };
}

process.once('message', (message) => {
  void run(message as LoadPlan).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`load client failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
