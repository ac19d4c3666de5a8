import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

// NOTE (contract, to be completed by the processor issue): the typed events
// (`VehicleStateEvent`, `VehicleErrorEvent`), `HandlerContext`, and `EventHandlers`
// live in this file too.

/** Outcome of one SQS record, reported to an optional observer (the local pipeline's live stats). */
export interface ProcessorOutcome {
  messageId: string;
  eventId?: string;
  eventType?: string;
  /**
   * `processed`: the business handler ran and succeeded; `duplicate`: the eventId was already
   * done (or is in flight elsewhere); `ignored`: acknowledged without a handler (unknown type,
   * legacy payload); `failed`: the record is reported in batchItemFailures.
   */
  outcome: 'processed' | 'duplicate' | 'ignored' | 'failed';
  /** Signals skipped because a newer value was already stored. */
  staleSignals?: number;
  /** True when `failed` happened on the last allowed receive (the message goes to the DLQ next). */
  finalAttempt?: boolean;
}

/** Everything the processor needs, built once per container (or once per local pipeline). */
export interface ProcessorDependencies {
  logger: Logger;
  metrics: Metrics;
  dynamodb: DynamoDBClient;
  idempotencyTableName: string;
  /** @default PIPELINE_DEFAULTS.idempotencyTtlSeconds */
  idempotencyTtlSeconds?: number;
  vehicleStateTableName: string;
  /** @default PIPELINE_DEFAULTS.vehicleStateTtlSeconds */
  vehicleStateTtlSeconds?: number;
  /** @default PIPELINE_DEFAULTS.maxReceiveCount */
  maxReceiveCount?: number;
  /** Override business handlers (tests, local fault injection); defaults are in `handlers/`. */
  handlers?: Partial<Record<string, (event: never, context: never) => Promise<void>>>;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  onOutcome?: (outcome: ProcessorOutcome) => void;
}
