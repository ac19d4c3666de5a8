import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ENV, MESSAGE_ATTRIBUTE, METRIC, PIPELINE_DEFAULTS } from '../core/constants.ts';
import { shortVehicleId } from '../core/vehicle-id.ts';
import { archiveBatch } from './archive.ts';
import { BatchTally } from './batch-tally.ts';
import { ArchiveError, ProcessorConfigError } from './errors.ts';
import { defaultHandlers, type HandlerRegistry, handlerRegistry } from './handlers/index.ts';
import { createIdempotency, type IdempotentRunner, isInFlightElsewhere } from './idempotency.ts';
import { parseEvent, receivedAtOf } from './parse-event.ts';
import { shapeMismatches } from './signals/access.ts';
import { latestBelievedTime } from './store/freshness.ts';
import { DynamoVehicleErrorStore } from './store/vehicle-error-store.ts';
import { DynamoVehicleStateStore } from './store/vehicle-state-store.ts';
import type {
  ArchiveOutcome,
  HandlerContext,
  ParsedBody,
  ParsedEvent,
  ProcessorDependencies,
  ProcessorOutcome,
  VehicleErrorStore,
  VehicleStateStore,
} from './types.ts';

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
  refuseUnarchivedStream(deps);
  const now = deps.now ?? Date.now;
  const maxReceiveCount = deps.maxReceiveCount ?? PIPELINE_DEFAULTS.maxReceiveCount;
  const handlers = handlerRegistry(deps.handlers);
  const eventTypes: ReadonlySet<string> = new Set(Object.keys(handlers));
  const futureToleranceSeconds = deps.futureToleranceSeconds ?? PIPELINE_DEFAULTS.futureToleranceSeconds;
  const { vehicleState, vehicleErrors } = vehicleStores(deps, handlers, now, futureToleranceSeconds);
  const idempotency = createIdempotency({
    dynamodb: deps.dynamodb,
    tableName: deps.idempotencyTableName,
    ttlSeconds: deps.idempotencyTtlSeconds ?? PIPELINE_DEFAULTS.idempotencyTtlSeconds,
  });

  /**
   * Runs the business handler once for this eventId (once per replay run for a replayed copy);
   * resolves to its outcome, or throws to fail the record.
   */
  async function handleEvent(
    event: ParsedEvent,
    record: { attempt: number; receivedAt: number | undefined },
    runOnce: IdempotentRunner,
    onHandlerTime: (ms: number) => void,
  ): Promise<Outcome> {
    let staleSignals = 0;
    let futureSignals = 0;
    // The stores bound every order time by this record's receipt, and their counts become metrics.
    const receipt = record.receivedAt === undefined ? {} : { receivedAt: record.receivedAt };
    const countingStore: VehicleStateStore = {
      get: (vehicleId) => vehicleState.get(vehicleId),
      mergeSignals: async (vehicleId, signals, eventId) => {
        const result = await vehicleState.mergeSignals(vehicleId, signals, eventId, receipt);
        staleSignals += result.stale.length;
        futureSignals += result.future.length;
        return result;
      },
    };
    const boundErrorStore: VehicleErrorStore = {
      get: (vehicleId) => vehicleErrors.get(vehicleId),
      record: async (vehicleId, errors, eventId, reportedAt) => {
        const snapshot = await vehicleErrors.record(vehicleId, errors, eventId, reportedAt, receipt);
        if (reportedAt > latestBelievedTime(record.receivedAt, now(), futureToleranceSeconds * 1000)) {
          futureSignals += errors.length;
        }
        return snapshot;
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
      vehicleErrors: boundErrorStore,
      attempt: record.attempt,
      now,
    };
    const handle = handlers[event.eventType];
    // The parser accepts only the types of `handlers`, so a missing one is a wiring bug, not bad input.
    if (!handle) throw new ProcessorConfigError(`No handler is registered for ${event.eventType}`);
    // A replay run is a new key: the handler runs again once per run, never twice within one.
    const key = event.replay ? `${event.eventId}#replay#${event.replay.id}` : event.eventId;
    const { ran } = await runOnce(key, async () => {
      // The handler alone (no idempotency write, no queueing behind the vehicle): the Batch done line's slowest.
      const started = performance.now();
      try {
        return await handle(event, handlerContext);
      } finally {
        onHandlerTime(performance.now() - started);
      }
    });
    const base = {
      eventId: event.eventId,
      eventType: event.eventType,
      ...(event.replay ? { replayId: event.replay.id } : {}),
    };
    return ran ? { ...base, outcome: 'processed', staleSignals, futureSignals } : { ...base, outcome: 'duplicate' };
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
      tally.count(METRIC.FUTURE_SIGNAL, outcome.futureSignals ?? 0);
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
        // Bodies unlike their documented shape are passed on as they are, and counted.
        if ('signals' in event) for (const code of shapeMismatches(event.signals)) tally.signalShapeMismatch(code);
        // A replayed copy's lag is the archive's age, not the pipeline's: left out of DeliveryLag.
        if (event.meta.deliveredAt !== undefined && !replayId) tally.deliveryLag(now() - event.meta.deliveredAt);
        logger.debug('Record parsed', { messageId: record.messageId, eventId: event.eventId, attempt });
        const outcome = await perVehicle.run(event.vehicleId, () =>
          handleEvent(event, { attempt, receivedAt: receivedAtOf(record) }, runOnce, (ms) =>
            tally.handlerTime(event.eventType, event.eventId, ms),
          ),
        );
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

/**
 * Refuses to build a processor that would handle records nobody archived: the stack deployed an
 * archive stream (and its alarms, which would stay silent), so the wiring must write to it, and
 * to no other stream.
 *
 * @throws ProcessorConfigError when the environment names an archive stream and `archive` is
 *   absent, or writes to another Firehose stream.
 */
function refuseUnarchivedStream(deps: ProcessorDependencies): void {
  const stream = (deps.env ?? process.env)[ENV.ARCHIVE_STREAM_NAME]?.trim();
  if (!stream) return;
  if (!deps.archive) {
    throw new ProcessorConfigError(
      `${ENV.ARCHIVE_STREAM_NAME} names the archive stream ${stream}, but this processor has no archive writer: ` +
        'build it with createProcessor (smartcar-webhook-receiver/processor), which archives every record first',
    );
  }
  const written = deps.archive.deliveryStreamName;
  if (written !== undefined && written !== stream) {
    throw new ProcessorConfigError(
      `${ENV.ARCHIVE_STREAM_NAME} names the archive stream ${stream}, but this processor writes to ${written}`,
    );
  }
}

/**
 * The vehicle stores of `HandlerContext`, on the table when the stack made one. Without one
 * (`vehicleStateStore: false`) they throw on use, and the example handlers, which use them, are
 * refused at cold start rather than failing every event.
 *
 * @throws ProcessorConfigError without a table while an example handler is registered.
 */
function vehicleStores(
  deps: ProcessorDependencies,
  handlers: HandlerRegistry,
  now: () => number,
  futureToleranceSeconds: number,
): { vehicleState: VehicleStateStore; vehicleErrors: VehicleErrorStore } {
  const tableName = deps.vehicleStateTableName?.trim();
  if (!tableName) {
    const usesStore = Object.entries(defaultHandlers).filter(([type, handler]) => handlers[type] === handler);
    if (usesStore.length > 0) {
      throw new ProcessorConfigError(
        `${ENV.VEHICLE_STATE_TABLE_NAME} is not set, and the example handler of ${usesStore.map(([type]) => type).join(', ')} needs it: give your own handler (or keep the vehicle-state store)`,
      );
    }
    const absent = (): never => {
      throw new ProcessorConfigError(`${ENV.VEHICLE_STATE_TABLE_NAME} is not set: this pipeline has no vehicle stores`);
    };
    return { vehicleState: { get: absent, mergeSignals: absent }, vehicleErrors: { get: absent, record: absent } };
  }
  const storeOptions = {
    client: DynamoDBDocumentClient.from(deps.dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
    ttlSeconds: deps.vehicleStateTtlSeconds ?? PIPELINE_DEFAULTS.vehicleStateTtlSeconds,
    futureToleranceSeconds,
    now,
  };
  return {
    vehicleState: new DynamoVehicleStateStore(storeOptions),
    vehicleErrors: new DynamoVehicleErrorStore(storeOptions),
  };
}

/**
 * Runs tasks one after another per key and concurrently across keys.
 *
 * The processor queues a batch's records per vehicle: two copies of one event in one batch then
 * run one after the other (the second is a clean duplicate instead of an in-flight collision),
 * and events of one vehicle do not race each other for its item.
 *
 * @example
 * ```ts
 * const queue = new KeyedQueue();
 * await Promise.all([queue.run('veh-1', first), queue.run('veh-1', second), queue.run('veh-2', other)]);
 * ```
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  public run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    // The tail only orders the next task; its failure belongs to the caller of `run`.
    this.#tails.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }
}
