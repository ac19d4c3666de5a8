import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ArchiveWriter } from '../archive/types.ts';
import type { EventHandler, EventHandlers } from '../handlers/types.ts';

// The processor's wiring: what it is built from and what it reports.

/** Replacement handlers by event type, and handlers of extra event types. */
export type HandlerOverrides = Partial<EventHandlers> & {
  readonly [eventType: string]: EventHandler<never> | undefined;
};

/** Outcome of one SQS record, reported to an optional observer (the local pipeline's live stats). */
export interface ProcessorOutcome {
  messageId: string;
  eventId?: string;
  eventType?: string;
  /**
   * `processed`: the business handler ran and succeeded; `duplicate`: the eventId was already
   * done; `ignored`: acknowledged without a handler (unknown type, legacy payload); `failed`:
   * the record is reported in batchItemFailures. A copy of an event whose handler is still in
   * flight elsewhere is `failed` (SQS retries it later, and then it is a `duplicate`), because
   * acknowledging it early would hide a failure of the copy in flight.
   */
  outcome: 'processed' | 'duplicate' | 'ignored' | 'failed';
  /** Signals skipped because a newer value was already stored. */
  staleSignals?: number;
  /** Signal values and error reports stamped past their receipt plus the future tolerance (clamped). */
  futureSignals?: number;
  /** True when `failed` happened on the last allowed receive (the message goes to the DLQ next). */
  finalAttempt?: boolean;
  /** The replay run that sent this record, when `npm run replay` did. */
  replayId?: string;
}

/** Everything the processor needs, built once per container (or once per local pipeline). */
export interface ProcessorDependencies {
  logger: Logger;
  metrics: Metrics;
  dynamodb: DynamoDBClient;
  idempotencyTableName: string;
  /** @default PIPELINE_DEFAULTS.idempotencyTtlSeconds */
  idempotencyTtlSeconds?: number;
  /**
   * The vehicle stores' table (`vehicleStateStore: false` leaves it out). Without it the stores
   * of `HandlerContext` throw on use, and the example handlers, which use them, are refused at
   * cold start.
   * @default - no vehicle stores
   */
  vehicleStateTableName?: string;
  /** @default PIPELINE_DEFAULTS.vehicleStateTtlSeconds */
  vehicleStateTtlSeconds?: number;
  /** @default PIPELINE_DEFAULTS.maxReceiveCount */
  maxReceiveCount?: number;
  /**
   * How far past its delivery's receipt an order time (`oemUpdatedAt`, an error's `deliveredAt`)
   * is believed, in seconds; a later one is clamped and counted (`FutureSignal`).
   * @default PIPELINE_DEFAULTS.futureToleranceSeconds (900)
   */
  futureToleranceSeconds?: number;
  /**
   * Handlers to use instead of the defaults of `handlers/index.ts` (tests, local fault
   * injection). A key that is not in `EVENT_TYPES` registers one more event type, whose handler
   * gets an `UntypedEvent` (its `data` unparsed).
   * @default defaultHandlers
   */
  handlers?: HandlerOverrides;
  /**
   * Throw `FullBatchFailureError` when every record of a batch failed (Powertools' default).
   * Off by default: the stack turns on `ReportBatchItemFailures`, so a response that lists every
   * record already makes SQS retry them all, and not throwing keeps the function's `Errors`
   * metric (the `ProcessorErrors` alarm) for crashes and timeouts. With batches of one record at
   * low traffic, a throw would page once per receive of every poison event. Turn it on only
   * behind an event source without `ReportBatchItemFailures`.
   * @default false
   */
  throwOnFullBatchFailure?: boolean;
  /**
   * Where each batch is archived before its handlers run (Firehose in AWS, a folder locally). A
   * record whose archive write failed fails without running its handler, and SQS retries it.
   * @default - no archive (`-c archive=false`)
   */
  archive?: ArchiveWriter;
  /**
   * The environment the stack set, checked against the wiring: when it names an archive stream
   * (`ARCHIVE_STREAM_NAME`) and `archive` is absent, the processor refuses to start rather than
   * handle records nobody archived.
   * @default process.env
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  onOutcome?: (outcome: ProcessorOutcome) => void;
}

/** Processor settings read from the environment the stack sets (see `loadProcessorConfig`). */
export interface ProcessorConfig {
  idempotencyTableName: string;
  idempotencyTtlSeconds: number;
  /** Absent when the stack has no vehicle-state store (`vehicleStateStore: false`). */
  vehicleStateTableName?: string;
  vehicleStateTtlSeconds: number;
  maxReceiveCount: number;
  futureToleranceSeconds: number;
  /** Firehose stream of the archive; absent when the stack has no archive. */
  archiveStreamName?: string;
}
