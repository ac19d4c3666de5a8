import { archiveCostLines, archiveFixedPerMonth } from './archive-cost.ts';
import {
  ASSUMED_SQS_SEND_MS,
  IDLE_SQS_POLLERS,
  LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION,
  LONG_POLL_SECONDS,
  MONTH_SECONDS,
  REFERENCE_EVENTS_PER_MONTH,
} from './constants.ts';
import { kmsCost } from './kms-cost.ts';
import { BYTES_PER_GB, PRICES, PRICES_AS_OF, PRICES_REGION, SQS_CHUNK_BYTES } from './prices.ts';
import { round } from './stats.ts';
import type { CostLine, CostResult, HotPathResult, ProcessorBatchResult, StackSettings } from './types.ts';

/** Everything measured that the model prices. */
export interface CostInputs {
  stack: StackSettings;
  receiver: HotPathResult;
  processor: ProcessorBatchResult;
  /** Records per processor invocation observed under load (at most the batch size). */
  batchFill: number;
  /** Body size the SQS chunks are counted for. */
  bodyBytes: number;
  /** EMF metric series normal traffic publishes. */
  metricSeries: number;
}

const MILLION = 1_000_000;

/**
 * Cost per million events on AWS from the stack's settings, the bench's measurements and the
 * dated price table. `pipeline` leaves out the example vehicle-state store (its DynamoDB
 * traffic), which a user replaces with their own logic. `low_traffic` prices the same events
 * arriving one at a time (batches of one). Charges that do not grow with events (secret storage,
 * alarms, dashboard, metric series, idle queue polling) are listed per month, not per event.
 *
 * @example
 * ```ts
 * const cost = costPerMillion({ stack, receiver, processor, batchFill: 10, bodyBytes: 5120, metricSeries: 3 });
 * cost.pipeline; // e.g. 3.2
 * ```
 */
export function costPerMillion(inputs: CostInputs): CostResult {
  const busy = lines(inputs, Math.min(inputs.batchFill, inputs.stack.batch_size), false);
  const quiet = lines(inputs, 1, true);
  const total = (costLines: CostLine[]): number =>
    round(
      costLines.reduce((sum, l) => sum + l.usd, 0),
      3,
    );
  const pipeline = (costLines: CostLine[]): number => total(costLines.filter((l) => !l.example_store));
  const fixed = fixedPerMonth(inputs);
  const archive = total(busy.filter((l) => l.archive));
  return {
    total: total(busy),
    pipeline: pipeline(busy),
    archive,
    pipeline_without_archive: round(pipeline(busy) - archive, 3),
    floor: total(busy.filter((l) => l.request && !l.example_store)),
    batch_fill: round(Math.min(inputs.batchFill, inputs.stack.batch_size), 2),
    breakdown: busy.map((l) => ({ ...l, usd: round(l.usd, 4) })),
    low_traffic: { total: total(quiet), pipeline: pipeline(quiet) },
    fixed_per_month_usd: {
      total: round(
        fixed.reduce((sum, f) => sum + f.usd, 0),
        2,
      ),
      breakdown: fixed,
    },
    kms_per_month_usd: kmsCost(inputs.stack),
    assumptions: [
      `${PRICES_REGION} on-demand prices as of ${PRICES_AS_OF} (bench/prices.ts), no free tier.`,
      `Batches hold ${round(Math.min(inputs.batchFill, inputs.stack.batch_size), 2)} records on average, as measured under the end-to-end load; low_traffic assumes one record per batch.`,
      `Receiver billed duration: hot-path p50 at 5 KB plus an assumed ${ASSUMED_SQS_SEND_MS} ms SQS SendMessage, rounded up to whole ms.`,
      'Processor billed duration: handler time per batch measured in process against the in-process DynamoDB emulator (it serializes writes): an upper bound.',
      `Lambda START/END/REPORT lines estimated at ${LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION} bytes per invocation.`,
      `Secrets Manager: one warm receiver fetching every ${inputs.stack.amt_cache_seconds} s at ${REFERENCE_EVENTS_PER_MONTH.toLocaleString('en-US')} events per month.`,
      'DynamoDB units measured on the emulator per first delivery (Powertools Idempotency: the conditional INPROGRESS write and the COMPLETED update per event); a duplicate delivery adds one refused conditional write (DynamoDB returns the record with the refusal; dynalite does not, so the emulator adds one read).',
      'Log storage priced on raw bytes for one month (AWS bills compressed bytes): an upper bound.',
      `KMS requests follow time, not volume (every service reuses data keys): priced per month and spread over ${REFERENCE_EVENTS_PER_MONTH.toLocaleString('en-US')} events; the 20,000 free requests a month are not counted.`,
      'WAF logs only blocked requests, so accepted traffic adds no WAF log bytes.',
      `Quarantine (docs/quarantine.md): nothing in normal traffic (no call on the hot path; the receiver's character pre-scan is inside its measured duration); each quarantined delivery costs one S3 PUT ($${PRICES.s3PutRequest.usd * 1e3} per 1,000) and its storage for the archive retention.`,
      'Archive: the processor packs each batch into gzipped Firehose records (measured with its own packRecords on the bench payload, batches of the fill rounded to whole events); Firehose Direct PUT ingestion billed per record rounded up to 5 KB; S3 storage of those records as stored for the whole retention (Standard, then Standard-IA after the transition), replays (GET, SQS sends) not included.',
    ],
    prices_as_of: PRICES_AS_OF,
  };
}

function lines(inputs: CostInputs, fill: number, quiet: boolean): CostLine[] {
  const { stack, receiver, processor } = inputs;
  const gbSecond = stack.architecture === 'arm64' ? PRICES.lambdaArmGbSecond.usd : PRICES.lambdaX86GbSecond.usd;
  const invocations = MILLION / fill;
  const receiverMs = Math.ceil(receiver.sizes['5KB'].p50_us / 1000 + ASSUMED_SQS_SEND_MS);
  const batchMs = Math.ceil(quiet ? processor.single_record_mean_ms : processor.batch_mean_ms);
  const processorLogBytes = quiet ? processor.log_bytes_single_record : processor.log_bytes_per_batch;
  const logBytesPerEvent = {
    receiver: receiver.log_bytes_per_event + LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION,
    processor: (processorLogBytes + LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION) / fill,
    access: stack.access_log_line_bytes,
  };
  const totalLogBytes = logBytesPerEvent.receiver + logBytesPerEvent.processor + logBytesPerEvent.access;
  const secretCalls = MONTH_SECONDS / stack.amt_cache_seconds;
  const idem = processor.dynamodb_per_event.idempotency;
  const state = processor.dynamodb_per_event.vehicle_state;
  const door = FRONT_DOOR[stack.api_type];
  const kms = kmsCost(stack).current;
  const line = (
    item: string,
    usd: number,
    basis: string,
    flags: { exampleStore?: boolean; request?: boolean } = {},
  ): CostLine => ({
    item,
    usd,
    example_store: flags.exampleStore ?? false,
    request: flags.request ?? false,
    basis,
  });
  const request = { request: true };
  const optional: CostLine[] = [];
  if (stack.waf.web_acls > 0) {
    optional.push(
      line(
        'AWS WAF requests',
        MILLION * stack.waf.web_acls * PRICES.wafRequest.usd,
        `1 inspected request per event, ${PRICES.wafRequest.unit}`,
        request,
      ),
    );
  }
  if (logBytesPerEvent.access > 0) {
    optional.push(
      line(
        'CloudWatch Logs: API access log',
        (MILLION * logBytesPerEvent.access * PRICES.logsIngestionGb.usd) / BYTES_PER_GB,
        `${logBytesPerEvent.access} B per request (the stack's format, typical values)`,
      ),
    );
  }
  return [
    line(door.item, MILLION * door.price.usd, `1 request per event, ${door.price.unit}`, request),
    ...optional.filter((l) => l.item.startsWith('AWS WAF')),
    line('Receiver Lambda requests', MILLION * PRICES.lambdaRequest.usd, '1 invocation per event', request),
    line(
      'Receiver Lambda duration',
      MILLION * (stack.receiver_memory_mb / 1024) * (receiverMs / 1000) * gbSecond,
      `${receiverMs} ms billed x ${stack.receiver_memory_mb} MB ${stack.architecture}`,
    ),
    line(
      'Secrets Manager GetSecretValue',
      secretCalls * PRICES.secretsManagerApiCall.usd * (MILLION / REFERENCE_EVENTS_PER_MONTH),
      `${Math.round(secretCalls)} calls per month (cache ${stack.amt_cache_seconds} s)`,
    ),
    line(
      'SQS SendMessage',
      MILLION * Math.ceil(inputs.bodyBytes / SQS_CHUNK_BYTES) * PRICES.sqsRequest.usd,
      `${Math.ceil(inputs.bodyBytes / SQS_CHUNK_BYTES)} x 64 KB chunk per event`,
      request,
    ),
    line('SQS ReceiveMessage', invocations * PRICES.sqsRequest.usd, `1 per batch of ${round(fill, 2)}`, request),
    line('SQS DeleteMessageBatch', invocations * PRICES.sqsRequest.usd, `1 per batch of ${round(fill, 2)}`, request),
    line(
      'Processor Lambda requests',
      invocations * PRICES.lambdaRequest.usd,
      `1 invocation per batch of ${round(fill, 2)}`,
      request,
    ),
    line(
      'Processor Lambda duration',
      invocations * (stack.processor_memory_mb / 1024) * (batchMs / 1000) * gbSecond,
      `${batchMs} ms billed per batch x ${stack.processor_memory_mb} MB ${stack.architecture}`,
    ),
    line(
      'DynamoDB idempotency',
      MILLION *
        (idem.write_units * PRICES.dynamoWriteRequestUnit.usd + idem.read_units * PRICES.dynamoReadRequestUnit.usd),
      `${idem.writes} writes (${idem.write_units} WRU), ${idem.reads} reads per event`,
      request,
    ),
    line(
      'DynamoDB vehicle-state store (example handler)',
      MILLION *
        (state.write_units * PRICES.dynamoWriteRequestUnit.usd + state.read_units * PRICES.dynamoReadRequestUnit.usd),
      `${state.writes} writes (${state.write_units} WRU), ${state.reads} reads (${state.read_units} RRU) per event`,
      { exampleStore: true, request: true },
    ),
    line(
      'CloudWatch Logs: receiver',
      (MILLION * logBytesPerEvent.receiver * PRICES.logsIngestionGb.usd) / BYTES_PER_GB,
      `${round(logBytesPerEvent.receiver)} B per event (log + EMF measured, platform lines estimated)`,
    ),
    line(
      'CloudWatch Logs: processor',
      (MILLION * logBytesPerEvent.processor * PRICES.logsIngestionGb.usd) / BYTES_PER_GB,
      `${round(logBytesPerEvent.processor)} B per event (per-batch log + EMF measured, platform lines estimated)`,
    ),
    ...optional.filter((l) => l.item.startsWith('CloudWatch Logs: API')),
    line(
      'CloudWatch Logs storage (1 month)',
      (MILLION * totalLogBytes * PRICES.logsStorageGbMonth.usd) / BYTES_PER_GB,
      `${round(totalLogBytes)} B per event`,
    ),
    ...archiveCostLines(stack.archive, inputs.bodyBytes, fill, (item, usd, basis) => ({
      ...line(item, usd, basis),
      archive: true,
    })),
    line(
      'KMS requests',
      kms.usd_per_month * (MILLION / REFERENCE_EVENTS_PER_MONTH),
      `${kms.requests_per_month.toLocaleString('en-US')} a month with ${stack.encryption.customer_managed_keys > 0 ? 'the customer managed key' : "AWS-managed keys (the secret's aws/secretsmanager)"}`,
    ),
  ];
}

/** The first line of the bill: what receives each request. */
const FRONT_DOOR = {
  HTTP: { item: 'API Gateway HTTP API requests', price: PRICES.httpApiRequest },
  REST: { item: 'API Gateway REST API requests', price: PRICES.restApiRequest },
  FUNCTION_URL: { item: 'Lambda Function URL requests (no charge of their own)', price: PRICES.functionUrlRequest },
} as const;

function fixedPerMonth(inputs: CostInputs): Array<{ item: string; usd: number; basis: string }> {
  const { stack } = inputs;
  const emptyReceives = IDLE_SQS_POLLERS * (MONTH_SECONDS / LONG_POLL_SECONDS);
  return [
    {
      item: 'Secrets Manager secret',
      usd: Math.max(1, stack.secrets) * PRICES.secretsManagerSecretMonth.usd,
      basis: 'the AMT secret',
    },
    {
      item: 'CloudWatch alarms',
      usd: round(stack.alarmMetrics * PRICES.alarmMonth.usd, 2),
      basis: `${stack.alarms} alarms reading ${stack.alarmMetrics} alarm metrics (a metric-math alarm is billed per metric it reads)`,
    },
    {
      item: 'CloudWatch dashboard',
      usd: stack.dashboards * PRICES.dashboardMonth.usd,
      basis: `${stack.dashboards} dashboard (free if the account has fewer than 3)`,
    },
    {
      item: 'CloudWatch metric series',
      usd: round(inputs.metricSeries * PRICES.customMetricMonth.usd, 2),
      basis: `${inputs.metricSeries} series in normal traffic; each error metric adds $0.30 pro rata while it fires (a signed refusal adds two: SignedDeliveryRefused in total and for its reason)`,
    },
    ...(stack.waf.web_acls > 0
      ? [
          {
            item: 'AWS WAF web ACL and rules',
            usd: stack.waf.web_acls * PRICES.wafWebAclMonth.usd + stack.waf.rules * PRICES.wafRuleMonth.usd,
            basis: `${stack.waf.web_acls} web ACL ($5) + ${stack.waf.rules} rules and managed rule groups ($1 each)`,
          },
        ]
      : []),
    ...(stack.encryption.customer_managed_keys > 0
      ? [
          {
            item: 'KMS customer managed key',
            usd: stack.encryption.customer_managed_keys * PRICES.kmsKeyMonth.usd,
            basis: `${stack.encryption.customer_managed_keys} key(s)`,
          },
        ]
      : []),
    {
      item: 'SQS empty receives (idle polling)',
      usd: round(emptyReceives * PRICES.sqsRequest.usd, 2),
      basis: `${IDLE_SQS_POLLERS} Lambda pollers x one ${LONG_POLL_SECONDS} s long poll`,
    },
    ...archiveFixedPerMonth(stack.archive),
  ];
}
