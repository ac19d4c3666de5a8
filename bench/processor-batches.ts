import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { percentile } from '../bin/cli/percentile.ts';
import { buildVehicleState } from '../bin/cli/sample-events.ts';
import { DEFAULT_METRICS_NAMESPACE, PIPELINE_DEFAULTS, SERVICE } from '../lambda/core/constants.ts';
import { CompactLogFormatter } from '../lambda/core/log-formatter.ts';
import { createProcessorHandler } from '../lambda/processor/processor.ts';
import { redactPersonalData } from '../lambda/processor/redact.ts';
import { createProcessorTables, startDynamo } from '../local/dynamo.ts';
import { createLambdaContext } from '../local/lambda-context.ts';
import { toSqsEvent } from '../local/sqs-event.ts';
import { PROCESSOR_BATCHES } from './constants.ts';
import { meterDynamo, perEvent } from './dynamo-meter.ts';
import { emfSeries } from './emf.ts';
import { captureOutput } from './output-capture.ts';
import { mean, round } from './stats.ts';
import type { DynamoUsage, ProcessorBatchResult } from './types.ts';

const TABLES = { idempotencyTableName: 'bench-idempotency', vehicleStateTableName: 'bench-vehicle-state' };
const SOURCE = { queueArn: 'arn:aws:sqs:us-east-1:000000000000:bench', region: 'us-east-1' };

/**
 * The processor in process, as Lambda runs it (Powertools Logger at INFO with the VIN/location
 * replacer, Metrics publishing EMF), over batches of typical VEHICLE_STATE events against the
 * DynamoDB emulator: handler time per batch (the billed-duration estimate), log + EMF bytes per
 * batch, and DynamoDB requests and capacity units per event, split by table.
 *
 * @example
 * ```ts
 * const result = await benchProcessorBatches(10);
 * result.dynamodb_per_event.idempotency.write_units; // 2
 * ```
 */
export async function benchProcessorBatches(batchSize: number): Promise<ProcessorBatchResult> {
  const dynamo = await startDynamo();
  const capture = captureOutput({ keepLines: true });
  try {
    await createProcessorTables(dynamo.client, TABLES);
    const meter = meterDynamo(dynamo.client);
    const metrics = new Metrics({ namespace: DEFAULT_METRICS_NAMESPACE, serviceName: SERVICE.PROCESSOR });
    metrics.setThrowOnEmptyMetrics(false);
    const handler = createProcessorHandler({
      ...TABLES,
      logger: new Logger({
        serviceName: SERVICE.PROCESSOR,
        logLevel: 'INFO',
        jsonReplacerFn: redactPersonalData,
        logFormatter: new CompactLogFormatter(),
      }),
      metrics,
      dynamodb: dynamo.client,
    });
    const vehicles = Array.from({ length: batchSize * PROCESSOR_BATCHES.warmupBatches }, () => randomUUID());
    let next = 0;
    const nextBody = (): string =>
      JSON.stringify(buildVehicleState({ vehicleId: vehicles[next++ % vehicles.length]! }));
    const run = async (event: SQSEvent): Promise<number> => {
      const started = performance.now();
      const response = await handler(
        event,
        createLambdaContext(SERVICE.PROCESSOR, PIPELINE_DEFAULTS.processorTimeoutSeconds),
      );
      const elapsed = performance.now() - started;
      if (response.batchItemFailures.length > 0)
        throw new Error(`processor failed ${response.batchItemFailures.length} record(s)`);
      return elapsed;
    };

    // Warm-up touches every vehicle once, so the measured writes see steady-state item sizes.
    for (let b = 0; b < PROCESSOR_BATCHES.warmupBatches; b++)
      await run(batch(Array.from({ length: batchSize }, nextBody)));

    meter.reset();
    capture.reset();
    const measured: string[][] = [];
    const batchMs: number[] = [];
    for (let b = 0; b < PROCESSOR_BATCHES.batches; b++) {
      const bodies = Array.from({ length: batchSize }, nextBody);
      measured.push(bodies);
      batchMs.push(await run(batch(bodies)));
    }
    const events = PROCESSOR_BATCHES.batches * batchSize;
    const dynamodbPerEvent = {
      idempotency: perEvent(meter.usage(TABLES.idempotencyTableName), events),
      vehicle_state: perEvent(meter.usage(TABLES.vehicleStateTableName), events),
    };
    const logBytesPerBatch = capture.bytes() / PROCESSOR_BATCHES.batches;

    // Smartcar retries: the same bodies again are duplicates, skipped by idempotency.
    meter.reset();
    const duplicates = measured.slice(0, 5);
    for (const bodies of duplicates) await run(batch(bodies));
    const duplicateUsage = perEvent(meter.usage(TABLES.idempotencyTableName), duplicates.length * batchSize);
    // Series of first deliveries and of Smartcar retries (DuplicateEvent) alike: both are normal traffic.
    const metricSeries = emfSeries(capture.lines());

    // Low traffic: every event is its own invocation.
    capture.reset();
    const singleMs: number[] = [];
    for (let i = 0; i < PROCESSOR_BATCHES.batches; i++) singleMs.push(await run(batch([nextBody()])));
    const logBytesSingle = capture.bytes() / PROCESSOR_BATCHES.batches;

    return {
      batch_size: batchSize,
      batches: PROCESSOR_BATCHES.batches,
      batch_p50_ms: round(percentile(batchMs, 0.5), 2),
      batch_mean_ms: round(mean(batchMs), 2),
      single_record_mean_ms: round(mean(singleMs), 2),
      log_bytes_per_batch: round(logBytesPerBatch),
      log_bytes_single_record: round(logBytesSingle),
      dynamodb_per_event: {
        idempotency: rounded(dynamodbPerEvent.idempotency),
        vehicle_state: rounded(dynamodbPerEvent.vehicle_state),
      },
      dynamodb_per_duplicate: rounded(duplicateUsage),
      metric_series: metricSeries,
    };
  } finally {
    capture.restore();
    await dynamo.close();
  }
}

function batch(bodies: readonly string[]): SQSEvent {
  const messages: Message[] = bodies.map((Body) => ({
    MessageId: randomUUID(),
    ReceiptHandle: randomUUID(),
    Body,
    Attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
  }));
  return toSqsEvent(messages, SOURCE);
}

function rounded(usage: DynamoUsage): DynamoUsage {
  return {
    reads: round(usage.reads, 3),
    read_units: round(usage.read_units, 3),
    writes: round(usage.writes, 3),
    write_units: round(usage.write_units, 3),
  };
}
