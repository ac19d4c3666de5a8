import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { percentile } from '../bin/cli/percentile.ts';
import { defaultHandlers } from '../lambda/processor/handlers/index.ts';
import type { EventHandlers } from '../lambda/processor/types.ts';
import type { LocalStats } from '../local/api/types.ts';
import { startPipeline } from '../local/pipeline.ts';
import { END_TO_END } from './constants.ts';
import type { LoadPlan, LoadReport } from './load-client.ts';
import { captureOutput } from './output-capture.ts';
import { mean, round, wallClockMs } from './stats.ts';
import type { EndToEndResult } from './types.ts';

/** Cumulative counts before anything was sent. */
const ZERO_STATS = { processedTotal: 0, duplicates: 0, dlq: 0 } as LocalStats;

/** Share of events Smartcar delivers twice in the run (retries after a lost answer). */
const DUPLICATE_RATE = 0.05;

/**
 * Local end to end: the whole pipeline (`startPipeline`: SQS and DynamoDB emulators, the HTTP
 * API stand-in, the receiver, the poller and the processor with its default handlers) in this
 * process at INFO, and the load in a child process: signed events at the configured concurrency
 * through real HTTP, after a drained warm-up load that no measured figure includes. The default
 * handlers are wrapped only to note when each event was handled.
 * With `pauseProcessor` the poller is stopped during the load and started after it: the intake
 * path alone (in AWS the processor never shares the receiver's CPU; locally it does).
 *
 * @example
 * ```ts
 * const result = await benchEndToEnd();
 * result.lost; // 0
 * ```
 */
export async function benchEndToEnd(options: { pauseProcessor?: boolean } = {}): Promise<EndToEndResult> {
  const handledAt = new Map<string, number>();
  const timed: EventHandlers = {
    VEHICLE_STATE: async (event, context) => {
      await defaultHandlers.VEHICLE_STATE(event, context);
      handledAt.set(event.eventId, wallClockMs());
    },
    VEHICLE_ERROR: async (event, context) => {
      await defaultHandlers.VEHICLE_ERROR(event, context);
      handledAt.set(event.eventId, wallClockMs());
    },
  };
  const capture = captureOutput({ keepLines: true });
  const pipeline = await startPipeline({ port: 0, logLevel: 'INFO', handlers: timed });
  try {
    const load = (events: number): Promise<LoadReport> =>
      runLoad({
        url: pipeline.webhookUrl,
        amt: pipeline.amt,
        events,
        duplicateRate: DUPLICATE_RATE,
        vehicles: END_TO_END.vehicles,
        concurrency: END_TO_END.concurrency,
        timeoutMs: END_TO_END.requestTimeoutMs,
      });
    const drained = (base: LocalStats, accepted: number): Promise<LocalStats> =>
      pipeline.waitFor(
        (s) =>
          s.queued === 0 &&
          s.processedTotal + s.duplicates + s.dlq - (base.processedTotal + base.duplicates + base.dlq) >= accepted,
        END_TO_END.drainTimeoutMs,
      );

    const warmup = await load(END_TO_END.warmupEvents);
    const base = await drained(ZERO_STATS, warmup.answers.filter((a) => a.status === 200).length);
    handledAt.clear();
    capture.reset();

    if (options.pauseProcessor) await pipeline.poller.stop();
    const report = await load(END_TO_END.events);
    const accepted = new Map<string, number>();
    for (const answer of report.answers) {
      if (answer.status === 200 && !accepted.has(answer.eventId)) accepted.set(answer.eventId, answer.answeredAt);
    }
    if (options.pauseProcessor) pipeline.poller.start();
    const acceptedDeliveries = report.answers.filter((a) => a.status === 200).length;
    const total = await drained(base, acceptedDeliveries);
    const final = {
      processedTotal: total.processedTotal - base.processedTotal,
      duplicates: total.duplicates - base.duplicates,
      dlq: total.dlq - base.dlq,
    };
    const drainedAt = Math.max(...handledAt.values());
    const lags = [...accepted].filter(([id]) => handledAt.has(id)).map(([id, at]) => handledAt.get(id)! - at);
    const lost = [...accepted.keys()].filter((id) => !handledAt.has(id)).length - final.dlq;
    const latencies = report.answers.map((a) => a.latencyMs);
    const receiverLines = capture
      .lines()
      .filter((line) => line.includes('"message":"webhook"'))
      .map((line) => JSON.parse(line) as { durationMs?: number });
    const batchLines = capture
      .lines()
      .filter((line) => line.includes('"message":"Batch done"'))
      .map((line) => JSON.parse(line) as { records?: number });
    return {
      sent: report.answers.length,
      accepted: acceptedDeliveries,
      processed: final.processedTotal,
      duplicates: final.duplicates,
      dlq: final.dlq,
      lost: Math.max(0, lost),
      rps: round(report.answers.length / ((report.finishedAt - report.startedAt) / 1000)),
      http_p50_ms: round(percentile(latencies, 0.5), 2),
      http_p99_ms: round(percentile(latencies, 0.99), 2),
      lag_p50_ms: round(percentile(lags, 0.5)),
      lag_p99_ms: round(percentile(lags, 0.99)),
      concurrency: END_TO_END.concurrency,
      receiver_duration_mean_ms: round(mean(receiverLines.map((l) => l.durationMs ?? 0)), 2),
      mean_batch_fill: round(mean(batchLines.map((l) => l.records ?? 0)), 2),
      drain_seconds: round((drainedAt - report.startedAt) / 1000),
      warmup_sent: warmup.answers.length,
    };
  } finally {
    await pipeline.stop();
    capture.restore();
  }
}

function runLoad(plan: LoadPlan): Promise<LoadReport> {
  const child = fork(fileURLToPath(new URL('./load-client.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let report: LoadReport | undefined;
    child.once('message', (message) => (report = message as LoadReport));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (report) resolve(report);
      else reject(new Error(`load client exited with ${code}: ${stderr}`));
    });
    child.send(plan);
  });
}
