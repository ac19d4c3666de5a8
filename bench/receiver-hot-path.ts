import { createHmac, randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { percentile } from '../bin/cli/percentile.ts';
import { DEFAULT_METRICS_NAMESPACE, SERVICE } from '../lambda/core/constants.ts';
import { CompactLogFormatter } from '../lambda/core/log-formatter.ts';
import { createReceiverHandler } from '../lambda/receiver/receiver.ts';
import { staticAmtProvider } from '../lambda/receiver/signature-check.ts';
import { LocalQuarantineStore } from '../local/quarantine-store.ts';
import { BODY_SIZES, HOT_PATH } from './constants.ts';
import { emfSeries } from './emf.ts';
import { httpApiEvent, instantSqs, signedVehicleState } from './fixtures.ts';
import { captureOutput } from './output-capture.ts';
import { round } from './stats.ts';
import type { HotPathResult, SizeResult } from './types.ts';

/**
 * Receiver hot path, in process: the real handler (Powertools Logger at INFO and Metrics
 * publishing EMF, as in Lambda) with SQS answered instantly, against its floor (HMAC-SHA256 of
 * the same body plus one `JSON.parse`). Receiver and floor alternate in rounds so both see the
 * same noise; output is swallowed and counted to give log + metric bytes per request.
 *
 * @example
 * ```ts
 * const result = await benchReceiverHotPath();
 * result.sizes['5KB'].ratio_p99;
 * ```
 */
export async function benchReceiverHotPath(): Promise<HotPathResult> {
  const amt = randomBytes(32).toString('hex');
  const sqs = instantSqs();
  const capture = captureOutput({ keepLines: true });
  try {
    const handler = createReceiverHandler({
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench',
      sqs: sqs.client,
      amt: staticAmtProvider({ current: amt }),
      // The hot path never touches it; a body it would take is a bench bug, counted as such.
      quarantine: new LocalQuarantineStore(),
      logger: new Logger({ serviceName: SERVICE.RECEIVER, logLevel: 'INFO', logFormatter: new CompactLogFormatter() }),
      metrics: lambdaLikeMetrics(),
    });
    const sizes: Partial<Record<string, SizeResult>> = {};
    const series = new Set<string>();
    for (const size of BODY_SIZES) {
      const deliveries = Array.from({ length: HOT_PATH.distinctBodies }, () => signedVehicleState(amt, size.bytes));
      const events = deliveries.map(httpApiEvent);
      const bodies = deliveries.map((d) => d.body);
      let sink = 0;
      const runReceiver = async (i: number): Promise<number> => {
        const started = performance.now();
        const result = await handler(events[i % events.length]!);
        const elapsed = performance.now() - started;
        if (result.statusCode !== 200) throw new Error(`receiver answered ${result.statusCode}: ${result.body}`);
        return elapsed;
      };
      const runFloor = (i: number): number => {
        const body = bodies[i % bodies.length]!;
        const started = performance.now();
        const mac = createHmac('sha256', amt).update(body).digest();
        const parsed = JSON.parse(body) as { eventId?: string };
        const elapsed = performance.now() - started;
        // Keep the work observable so the JIT cannot drop it.
        sink += mac[0]! + (parsed.eventId?.length ?? 0);
        return elapsed;
      };

      for (let i = 0; i < HOT_PATH.warmupRequests; i++) {
        await runReceiver(i);
        runFloor(i);
      }
      const sentBefore = sqs.sent();
      capture.reset();
      const receiverMs: number[] = [];
      const floorMs: number[] = [];
      for (let done = 0; done < HOT_PATH.requests; done += HOT_PATH.roundSize) {
        for (let i = done; i < done + HOT_PATH.roundSize; i++) receiverMs.push(await runReceiver(i));
        for (let i = done; i < done + HOT_PATH.roundSize; i++) floorMs.push(runFloor(i));
      }
      const logBytes = capture.bytes() / receiverMs.length;
      for (const name of emfSeries(capture.lines())) series.add(name);
      if (sqs.sent() - sentBefore !== receiverMs.length || sink < 0) throw new Error('not every request was enqueued');
      const p99 = percentile(receiverMs, 0.99) * 1000;
      const floorP99 = percentile(floorMs, 0.99) * 1000;
      const p50 = percentile(receiverMs, 0.5) * 1000;
      const floorP50 = percentile(floorMs, 0.5) * 1000;
      sizes[size.label] = {
        body_bytes: Math.round(bodies.reduce((sum, b) => sum + Buffer.byteLength(b), 0) / bodies.length),
        requests: receiverMs.length,
        p50_us: round(p50),
        p99_us: round(p99),
        floor_p50_us: round(floorP50),
        floor_p99_us: round(floorP99),
        ratio_p50: round(p50 / floorP50, 2),
        ratio_p99: round(p99 / floorP99, 2),
        log_bytes_per_request: round(logBytes),
      };
    }
    const logBytes = Object.values(sizes).map((s) => s!.log_bytes_per_request);
    return {
      sizes: sizes as HotPathResult['sizes'],
      log_bytes_per_event: round(logBytes.reduce((a, b) => a + b, 0) / logBytes.length),
      metric_series: [...series].sort(),
    };
  } finally {
    capture.restore();
  }
}

/** Metrics as the receiver's Lambda entry builds them (EMF published on every request). */
function lambdaLikeMetrics(): Metrics {
  const metrics = new Metrics({ namespace: DEFAULT_METRICS_NAMESPACE, serviceName: SERVICE.RECEIVER });
  metrics.setThrowOnEmptyMetrics(false);
  return metrics;
}
