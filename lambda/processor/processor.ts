import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { MESSAGE_ATTRIBUTE, METRIC, PIPELINE_DEFAULTS } from '../core/constants.ts';
import { shortVehicleId } from '../core/vehicle-id.ts';
import { archiveBatch } from './archive/archive-batch.ts';
import { ArchiveError } from './archive/errors.ts';
import type { ArchiveOutcome } from './archive/types.ts';
import { BatchTally } from './batch-tally.ts';
import { ProcessorConfigError } from './errors.ts';
import { handlerRegistry } from './handler-registry.ts';
import { createIdempotency, type IdempotentRunner, isInFlightElsewhere } from './idempotency.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { parseEvent } from './parse-event.ts';
import { DynamoVehicleErrorStore } from './store/vehicle-error-store.ts';
import { DynamoVehicleStateStore } from './store/vehicle-state-store.ts';
import type {
  HandlerContext,
  ParsedBody,
  ParsedEvent,
  ProcessorDependencies,
  ProcessorOutcome,
  VehicleStateStore,
} from './types/index.ts';

/** The processor Lambda's handler type. */
export type ProcessorHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

type Outcome = Omit<ProcessorOutcome, 'messageId'>;

/**
 * Builds the SQS processor: partial batch responses (one bad record never fails its neighbours),
 * typed dispatch to the business handlers, idempotency on Smartcar's `eventId` (each eventId
 * reaches its handler once in normal operation; see `createIdempotency` for the contract and
 * when twice), and one metrics flush and one INFO summary line per batch.
 *
 * Per record: a malformed body fails (and reaches the DLQ after `maxReceiveCount` receives); an
 * unknown event type or a legacy 2.0 payload is acknowledged; a completed `eventId` is a
 * duplicate and skipped; a copy whose twin is in flight elsewhere fails and is retried later;
 * otherwise the handler runs and its completion is stored at once, so a timeout later in the batch
 * re-runs only the record in flight; if the handler throws, the key is released and the record
 * fails, and a record whose completion could not be stored fails too.
 *
 * When every record fails, every record is listed in `batchItemFailures` (SQS retries them all)
 * rather than thrown, so Lambda's `Errors` metric counts only crashes and timeouts; see
 * `throwOnFullBatchFailure`.
 *
 * @example
 * ```ts
 * export const handler = createProcessorHandler({
 *   logger, metrics, dynamodb, idempotencyTableName: 'idem', vehicleStateTableName: 'state',
 * });
 * const { batchItemFailures } = await handler(sqsEvent, lambdaContext);
 * ```
 */
export function createProcessorHandler(deps: ProcessorDependencies): ProcessorHandler {
  const { logger, metrics } = deps;
  const now = deps.now ?? Date.now;
  const maxReceiveCount = deps.maxReceiveCount ?? PIPELINE_DEFAULTS.maxReceiveCount;
  const handlers = handlerRegistry(deps.handlers);
  const eventTypes: ReadonlySet<string> = new Set(Object.keys(handlers));
  const storeOptions = {
    client: DynamoDBDocumentClient.from(deps.dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: deps.vehicleStateTableName,
    ttlSeconds: deps.vehicleStateTtlSeconds ?? PIPELINE_DEFAULTS.vehicleStateTtlSeconds,
    now,
  };
  const vehicleState = new DynamoVehicleStateStore(storeOptions);
  const vehicleErrors = new DynamoVehicleErrorStore(storeOptions);
  const idempotency = createIdempotency({
    dynamodb: deps.dynamodb,
    tableName: deps.idempotencyTableName,
    ttlSeconds: deps.idempotencyTtlSeconds ?? PIPELINE_DEFAULTS.idempotencyTtlSeconds,
  });

  /**
   * Runs the business handler once for this eventId (once per replay run for a replayed copy);
   * resolves to its outcome, or throws to fail the record.
   */
  async function handleEvent(event: ParsedEvent, attempt: number, runOnce: IdempotentRunner): Promise<Outcome> {
    let staleSignals = 0;
    const countingStore: VehicleStateStore = {
      get: (vehicleId) => vehicleState.get(vehicleId),
      mergeSignals: async (vehicleId, signals, eventId) => {
        const result = await vehicleState.mergeSignals(vehicleId, signals, eventId);
        staleSignals += result.stale.length;
        return result;
      },
    };
    const handlerContext: HandlerContext = {
      logger: logger.createChild({
        // The vehicle id shortened: enough to tell vehicles apart in a log, not to look one up.
        persistentKeys: {
          eventId: event.eventId,
          eventType: event.eventType,
          vehicle: shortVehicleId(event.vehicleId),
        },
      }),
      metrics,
      vehicleState: countingStore,
      vehicleErrors,
      attempt,
      now,
    };
    const handle = handlers[event.eventType];
    // The parser accepts only the types of `handlers`, so a missing one is a wiring bug, not bad input.
    if (!handle) throw new ProcessorConfigError(`No handler is registered for ${event.eventType}`);
    // A replay run is a new key: the handler runs again once per run, never twice within one.
    const key = event.replay ? `${event.eventId}#replay#${event.replay.id}` : event.eventId;
    const { ran } = await runOnce(key, () => handle(event, handlerContext));
    const base = {
      eventId: event.eventId,
      eventType: event.eventType,
      ...(event.replay ? { replayId: event.replay.id } : {}),
    };
    return ran ? { ...base, outcome: 'processed', staleSignals } : { ...base, outcome: 'duplicate' };
  }

  return async (sqsEvent, context) => {
    const tally = new BatchTally();
    const perVehicle = new KeyedQueue();
    // Records stay INPROGRESS at most until this invocation's deadline (registerLambdaContext).
    const runOnce = idempotency.begin(context);

    const report = (record: SQSRecord, outcome: Outcome): void => {
      tally.outcome(outcome.outcome);
      if (outcome.outcome === 'processed' && outcome.eventType) tally.processed(outcome.eventType);
      if (outcome.outcome === 'duplicate') tally.count(METRIC.DUPLICATE_EVENT);
      if (outcome.outcome === 'processed' && outcome.replayId) tally.count(METRIC.EVENT_REPLAYED);
      tally.count(METRIC.STALE_SIGNAL, outcome.staleSignals ?? 0);
      try {
        deps.onOutcome?.({ messageId: record.messageId, ...outcome });
      } catch (error) {
        // An observer is diagnostics only: it must never turn a processed record into a retry.
        logger.warn('onOutcome observer threw', { error });
      }
    };

    // Archive first: no record is handled before it is archived (see archiveBatch).
    let archived: ArchiveOutcome | undefined;
    if (deps.archive) {
      archived = await archiveBatch(deps.archive, sqsEvent.Records ?? []);
      tally.count(METRIC.EVENT_ARCHIVED, archived.archived);
    }

    const processRecord = async (record: SQSRecord): Promise<void> => {
      const attempt = Number(record.attributes?.ApproximateReceiveCount) || 1;
      const finalAttempt = attempt >= maxReceiveCount;
      const archiveFailure = archived?.failed.get(record.messageId);
      if (archiveFailure !== undefined) {
        tally.count(METRIC.ARCHIVE_FAILED);
        if (finalAttempt) tally.count(METRIC.FINAL_ATTEMPT_FAILED);
        logger.error('Archive failed; the record is retried before its handler runs', {
          messageId: record.messageId,
          reason: archiveFailure,
          attempt,
          finalAttempt,
        });
        report(record, { outcome: 'failed', finalAttempt });
        throw new ArchiveError(archiveFailure);
      }
      const replayId = record.messageAttributes?.[MESSAGE_ATTRIBUTE.REPLAY_ID]?.stringValue || undefined;
      let parsed: ParsedBody<ParsedEvent> | undefined;
      try {
        parsed = parseEvent(record.body, eventTypes);
        if (parsed.kind === 'legacy') {
          tally.count(METRIC.LEGACY_PAYLOAD);
          logger.info('Legacy 2.0 payload acknowledged without processing', {
            messageId: record.messageId,
            eventName: parsed.eventName,
          });
          return report(record, { outcome: 'ignored' });
        }
        if (parsed.kind === 'unknown') {
          tally.count(METRIC.UNKNOWN_EVENT_TYPE);
          logger.info('Unknown event type acknowledged without processing', {
            messageId: record.messageId,
            eventId: parsed.eventId,
            eventType: parsed.eventType,
          });
          return report(record, { outcome: 'ignored', eventId: parsed.eventId, eventType: parsed.eventType });
        }
        const event: ParsedEvent = replayId ? { ...parsed.event, replay: { id: replayId } } : parsed.event;
        // A replayed copy's lag is the archive's age, not the pipeline's: left out of DeliveryLag.
        if (event.meta.deliveredAt !== undefined && !replayId) tally.deliveryLag(now() - event.meta.deliveredAt);
        logger.debug('Record parsed', { messageId: record.messageId, eventId: event.eventId, attempt });
        const outcome = await perVehicle.run(event.vehicleId, () => handleEvent(event, attempt, runOnce));
        return report(record, outcome);
      } catch (error) {
        const event = parsed?.kind === 'event' ? parsed.event : undefined;
        const details = {
          messageId: record.messageId,
          eventId: event?.eventId,
          eventType: event?.eventType,
          attempt,
          finalAttempt,
        };
        if (!parsed) {
          tally.count(METRIC.MALFORMED_RECORD);
          logger.error('Malformed record', { ...details, error });
        } else if (isInFlightElsewhere(error)) {
          logger.info('Another copy of this event is in flight; this one will be retried', details);
        } else {
          tally.count(METRIC.HANDLER_FAILED);
          logger.error('Event processing failed', { ...details, error });
        }
        if (finalAttempt) tally.count(METRIC.FINAL_ATTEMPT_FAILED);
        report(record, { outcome: 'failed', eventId: event?.eventId, eventType: event?.eventType, finalAttempt });
        throw error;
      }
    };

    try {
      return await processPartialResponse(sqsEvent, processRecord, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: deps.throwOnFullBatchFailure ?? false,
      });
    } finally {
      tally.publish(metrics);
      logger.info('Batch done', { records: sqsEvent.Records?.length ?? 0, ...tally.summary() });
    }
  };
}
