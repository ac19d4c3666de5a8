import type { IngressKind } from '../lib/constructs/ingress-types.ts';
import type { SizeLabel } from './constants.ts';

/** Receiver hot path at one body size (times in microseconds). */
export interface SizeResult {
  body_bytes: number;
  requests: number;
  p50_us: number;
  p99_us: number;
  floor_p50_us: number;
  floor_p99_us: number;
  ratio_p50: number;
  ratio_p99: number;
  log_bytes_per_request: number;
}

export interface HotPathResult {
  sizes: Record<SizeLabel, SizeResult>;
  /** Log + EMF bytes per accepted request, averaged over the sizes (the body is never logged). */
  log_bytes_per_event: number;
  /** EMF metric series the receiver published. */
  metric_series: string[];
}

export interface ColdStartResult {
  receiver_bundle_bytes: number;
  processor_bundle_bytes: number;
  /** Median wall time of a fresh `node` loading the bundle and building its clients, minus nothing. */
  receiver_process_ms: number;
  processor_process_ms: number;
  /** Median of a bare `node -e 0`. */
  node_baseline_ms: number;
  /** Process time minus the bare Node start: what the bundle adds. */
  receiver_init_ms: number;
  processor_init_ms: number;
  receiver_ratio: number;
  processor_ratio: number;
  runs: number;
}

/** The processor run in process over batches of the stack's size against the DynamoDB emulator. */
export interface ProcessorBatchResult {
  batch_size: number;
  batches: number;
  /** Handler time per batch (estimate of billed Lambda duration, DynamoDB emulated in process). */
  batch_p50_ms: number;
  batch_mean_ms: number;
  /** Handler time of a batch of one record (low traffic). */
  single_record_mean_ms: number;
  /** Log + EMF bytes per batch, and for a batch of one. */
  log_bytes_per_batch: number;
  log_bytes_single_record: number;
  /** DynamoDB requests and capacity units per first delivery, split by table. */
  dynamodb_per_event: DynamoPerEvent;
  /** DynamoDB per duplicate delivery (idempotency only). */
  dynamodb_per_duplicate: DynamoUsage;
  /** EMF metric series seen (name + dimension values), for the monthly metric charge. */
  metric_series: string[];
}

export interface DynamoUsage {
  reads: number;
  read_units: number;
  writes: number;
  write_units: number;
}

export interface DynamoPerEvent {
  idempotency: DynamoUsage;
  vehicle_state: DynamoUsage;
}

export interface EndToEndResult {
  sent: number;
  accepted: number;
  processed: number;
  duplicates: number;
  dlq: number;
  lost: number;
  rps: number;
  http_p50_ms: number;
  http_p99_ms: number;
  lag_p50_ms: number;
  lag_p99_ms: number;
  concurrency: number;
  /** Receiver handler time per request from its own log line (SQS emulator round trip included). */
  receiver_duration_mean_ms: number;
  /** Records per processor invocation, as the local poller saw them. */
  mean_batch_fill: number;
  /** Seconds from the first request to the last event handled. */
  drain_seconds: number;
  /** Deliveries of the drained warm-up load sent before the measured one (in no other figure). */
  warmup_sent: number;
  /** The same load with the processor paused: the intake path alone. */
  intake_only?: { rps: number; http_p50_ms: number; http_p99_ms: number };
}

/** One line of the cost breakdown, USD per million events. */
export interface CostLine {
  item: string;
  usd: number;
  /** Part of the example vehicle-state store, which a user replaces with their own logic. */
  example_store: boolean;
  /** A per-request charge (front door, WAF, Lambda and SQS requests, DynamoDB units): part of the floor. */
  request: boolean;
  /** Part of the archive (Firehose, S3): absent with `-c archive=false`. */
  archive?: boolean;
  basis: string;
}

/** The archive as synthesized (`lib/constructs/archive.ts`). */
export interface ArchiveSettings {
  enabled: boolean;
  retention_days: number;
  /** 0: no transition. */
  infrequent_access_after_days: number;
  buffering_interval_seconds: number;
}

/** One source of KMS requests, per month. */
export interface KmsRequestLine {
  item: string;
  requests: number;
  basis: string;
}

/** KMS requests and charges a month for one choice of keys. */
export interface KmsKeysCost {
  requests_per_month: number;
  usd_per_month: number;
  /** Customer managed keys' own monthly charge. */
  key_usd_per_month: number;
  lines: KmsRequestLine[];
}

/** KMS with the stack's keys as synthesized (`current`), with AWS-managed keys and with a customer managed key. */
export interface KmsCost {
  current: KmsKeysCost;
  aws_managed: KmsKeysCost;
  customer_managed: KmsKeysCost;
}

/** Where the template's data is encrypted with which key, for the KMS model. */
export interface EncryptionSettings {
  customer_managed_keys: number;
  main_queue_on_cmk: boolean;
  sqs_data_key_reuse_seconds: number;
  dynamodb_tables: number;
  dynamodb_tables_on_cmk: number;
  /** Log groups written on every event (the functions', the API access log). */
  busy_log_groups: number;
  busy_log_groups_on_cmk: number;
  s3_buckets: number;
  s3_buckets_on_cmk: number;
  /** Buckets on the customer managed key with an S3 Bucket Key (KMS per bucket key, not per object). */
  s3_buckets_with_bucket_key: number;
}

/** The AWS WAF web ACL in front of the API, if any. */
export interface WafSettings {
  web_acls: number;
  /** Rules plus managed rule groups: each is billed as one rule. */
  rules: number;
}

export interface CostResult {
  total: number;
  pipeline: number;
  /** The archive's share of `pipeline` (Firehose ingestion and S3 storage for the retention). */
  archive: number;
  /** `pipeline` without the archive (what `-c archive=false` costs). */
  pipeline_without_archive: number;
  /** What the requests alone cost (the lines marked `request`, example store excluded): no design gets under it. */
  floor: number;
  /** Records per processor invocation the model assumed (measured under load, at most the batch size). */
  batch_fill: number;
  breakdown: CostLine[];
  /** Same model with every event in its own batch and idle polling (low, steady traffic). */
  low_traffic: { total: number; pipeline: number };
  /** Charges that do not scale with events, USD per month. */
  fixed_per_month_usd: { total: number; breakdown: Array<{ item: string; usd: number; basis: string }> };
  /** KMS requests and keys, per month, with AWS-managed and customer managed keys. */
  kms_per_month_usd: KmsCost;
  assumptions: string[];
  prices_as_of: string;
}

/** The cost model for one front door, from that variant's synthesized settings. */
export interface IngressCost extends CostResult {
  stack: StackSettings;
}

/** `cost_per_million_usd`: the default stack's model, and the same for every front door. */
export interface CostReport extends CostResult {
  by_ingress: Record<IngressKind, IngressCost>;
  /** Where the measured inputs came from: this run, the last full run's results.json, or the reference run. */
  measured_inputs: string;
}

/** Settings read from the synthesized stack (default context). */
export interface StackSettings {
  ingress: IngressKind;
  /** What receives the request: an HTTP API, a REST API or the receiver's Function URL. */
  api_type: 'HTTP' | 'REST' | 'FUNCTION_URL';
  waf: WafSettings;
  encryption: EncryptionSettings;
  /**
   * The same facts from the stack synthesized with `-c encryptionKey=create`: what the
   * customer managed key's KMS model prices (the data-key reuse period and Bucket Keys as
   * configured, not assumed).
   * @default - `encryption` (older inputs)
   */
  encryption_with_cmk?: EncryptionSettings;
  receiver_memory_mb: number;
  processor_memory_mb: number;
  architecture: 'arm64' | 'x86_64';
  batch_size: number;
  amt_cache_seconds: number;
  alarms: number;
  /** Alarm metrics, the unit CloudWatch bills alarms in (a metric-math alarm counts each metric it reads). */
  alarmMetrics: number;
  dashboards: number;
  secrets: number;
  /** Bytes of one API Gateway access log line, the stack's format filled with typical values. */
  access_log_line_bytes: number;
  archive: ArchiveSettings;
}

export interface BenchResults {
  generated_at: string;
  machine: { node: string; cpus: number; platform: string; loadavg: number[] };
  duration_s: number;
  stack: StackSettings;
  receiver: HotPathResult;
  cold_start: ColdStartResult;
  processor: ProcessorBatchResult;
  e2e: EndToEndResult;
  cost_per_million_usd: CostReport;
  /** The delivery simulation under every fault (`bench/simulation.ts`). */
  simulation?: SimulationBenchResult;
  targets: TargetCheck[];
}

/** The delivery simulation's accounting, as the bench records it. */
export interface SimulationBenchResult {
  seed: number;
  events: number;
  time_scale: number;
  faults: string[];
  /** Entities per accounting row. */
  table: Record<string, number>;
  /** Extra handler runs of handled events, by cause. */
  reruns: Record<string, number>;
  checks_failed: string[];
  findings: string[];
  /** From Smartcar's first attempt to the first successful handler run, real ms. */
  lag_first_attempt_to_handled_ms: { p50: number; p99: number; max: number };
  elapsed_s: number;
}

export interface TargetCheck {
  name: string;
  value: number;
  target: string;
  met: boolean;
}
