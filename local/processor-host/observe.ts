import type { SQSRecord } from 'aws-lambda';
import { MESSAGE_ATTRIBUTE } from '../../lambda/core/constants.ts';
import { vehicleIdOf } from '../../lambda/core/vehicle-id.ts';
import type { ProcessorHandler } from '../../lambda/processor/processor.ts';
import type { EventHandlers, ProcessorOutcome } from '../../lambda/processor/types.ts';
import { REPLAY_SOURCE_ATTRIBUTE } from '../api/constants.ts';
import type { LocalErrorSummary } from '../api/types.ts';
import type { LocalRecordOutcome } from './types.ts';

/** What the processor is built with so that it can be observed. */
export interface ObservedHooks {
  handlers: EventHandlers;
  onOutcome: (outcome: ProcessorOutcome) => void;
}

/** A failure the business handler did not throw (it never ran, or failed around it). */
const OUTSIDE_HANDLER: LocalErrorSummary = {
  name: 'ProcessingFailed',
  message: 'failed outside the business handler (malformed body, DynamoDB, or a copy in flight): see the processor log',
};

/**
 * Builds the processor (with `build`, from the same `createProcessorHandler` Lambda runs) so the
 * local pipeline sees each record's outcome with its receive count, time, vehicle and, when the
 * business handler threw, that error. The handlers are wrapped, not changed: each error is
 * rethrown as it was.
 *
 * @example
 * ```ts
 * const handler = observeProcessor(defaultHandlers, (hooks) => createProcessorHandler({ ...deps, ...hooks }), log.addOutcome);
 * await handler(sqsEvent, context);
 * ```
 */
export function observeProcessor(
  handlers: EventHandlers,
  build: (hooks: ObservedHooks) => ProcessorHandler,
  onRecord: (outcome: LocalRecordOutcome) => void,
): ProcessorHandler {
  const errors = new Map<string, LocalErrorSummary>();
  const records = new Map<string, { start: number } & RecordFacts>();
  const wrapped = Object.fromEntries(
    Object.entries(handlers).map(([type, handler]) => [
      type,
      async (event: { eventId: string }, context: unknown) => {
        try {
          await (handler as (e: unknown, c: unknown) => Promise<void>)(event, context);
        } catch (error) {
          errors.set(event.eventId, summarizeError(error));
          throw error;
        }
      },
    ]),
  ) as unknown as EventHandlers;

  const onOutcome = (outcome: ProcessorOutcome): void => {
    const record = records.get(outcome.messageId);
    const error =
      outcome.outcome === 'failed' ? (outcome.eventId && errors.get(outcome.eventId)) || OUTSIDE_HANDLER : undefined;
    if (outcome.eventId) errors.delete(outcome.eventId);
    onRecord({
      ...outcome,
      at: new Date().toISOString(),
      attempt: record?.attempt ?? 1,
      ms: record ? Date.now() - record.start : 0,
      ...(record?.vehicleId ? { vehicleId: record.vehicleId } : {}),
      // A failed attempt's outcome does not say it was a replayed copy; its record does.
      ...(!outcome.replayId && record?.replayId ? { replayId: record.replayId } : {}),
      ...(record?.fromArchive ? { fromArchive: record.fromArchive } : {}),
      ...(error ? { error } : {}),
    });
  };
  const handler = build({ handlers: wrapped, onOutcome });

  return async (event, context) => {
    const start = Date.now();
    for (const record of event.Records) records.set(record.messageId, { start, ...describeRecord(record) });
    try {
      return await handler(event, context);
    } finally {
      for (const record of event.Records) records.delete(record.messageId);
    }
  };
}

/**
 * An error's name and message, for the console and `dlq list` (never its stack).
 *
 * @example
 * ```ts
 * summarizeError(new TypeError('x is undefined')); // { name: 'TypeError', message: 'x is undefined' }
 * ```
 */
export function summarizeError(error: unknown): LocalErrorSummary {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** What the local pipeline shows of a record besides its outcome. */
interface RecordFacts {
  attempt: number;
  vehicleId?: string;
  /** Set on a copy `npm run replay` sent. */
  replayId?: string;
  /** Set on a copy `npm run replay -- --into-local` took from a deployed stack's archive. */
  fromArchive?: LocalRecordOutcome['fromArchive'];
}

function describeRecord(record: SQSRecord): RecordFacts {
  const facts: RecordFacts = { attempt: Number(record.attributes?.ApproximateReceiveCount) || 1 };
  const replayId = record.messageAttributes?.[MESSAGE_ATTRIBUTE.REPLAY_ID]?.stringValue;
  if (replayId) facts.replayId = replayId;
  const attribute = (name: string) => record.messageAttributes?.[name]?.stringValue;
  const source = attribute(REPLAY_SOURCE_ATTRIBUTE);
  if (source && replayId) {
    const receivedAt = Number(attribute(MESSAGE_ATTRIBUTE.RECEIVED_AT));
    const deliveryId = attribute(MESSAGE_ATTRIBUTE.DELIVERY_ID);
    facts.fromArchive = {
      source,
      replayId,
      receivedAt: Number.isFinite(receivedAt) ? new Date(receivedAt).toISOString() : '',
      ...(deliveryId ? { deliveryId } : {}),
      route: attribute(MESSAGE_ATTRIBUTE.ROUTE) ?? 'data',
      body: record.body,
    };
  }
  try {
    const vehicleId = vehicleIdOf(JSON.parse(record.body) as Record<string, unknown>);
    if (vehicleId) facts.vehicleId = vehicleId;
  } catch {
    // An unreadable body has no vehicle to show.
  }
  return facts;
}
