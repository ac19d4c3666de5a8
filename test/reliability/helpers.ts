import { randomUUID } from 'node:crypto';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { buildVehicleState, signedHeaders } from '../../bin/cli/sample-events.ts';
import type { Delivery } from '../../bin/cli/send-plan.ts';
import { type DeliveryResult, sendDeliveries } from '../../bin/cli/send-run.ts';
import { defaultHandlers } from '../../lambda/processor/handlers/index.ts';
import type { EventHandlers, SmartcarEvent } from '../../lambda/processor/types.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline, PipelineOptions } from '../../local/types.ts';

/**
 * Factories and probes for the reliability suite. Everything runs against the real local
 * pipeline (`startPipeline`: SQS and DynamoDB emulators on loopback, the receiver behind HTTP,
 * the poller and the processor); only the business handlers are wrapped, to count what ran.
 */

/** Short visibility timeout: a failed or abandoned record comes back within seconds. */
export const VISIBILITY_TIMEOUT_SECONDS = 2;

/** Per-eventId record of what the business handlers did. */
export interface HandlerLog {
  /** Handler calls that returned normally, by eventId. */
  completed: Map<string, number>;
  /** Handler calls that threw, by eventId. */
  threw: Map<string, number>;
  /** Receive counts (`context.attempt`) of the calls that completed, by eventId. */
  completedOnAttempt: Map<string, number[]>;
}

/** Decides, per call, what the wrapped handler does before (or instead of) the default one. */
export type Interceptor = (event: SmartcarEvent) => 'run' | 'throw' | 'hang';

/**
 * The default handlers wrapped to log every call; `intercept` can make a call throw (a failing
 * dependency) or hang forever (a crashed invocation).
 *
 * @example
 * ```ts
 * const log = newHandlerLog();
 * const handlers = recordingHandlers(log, (e) => (poison.has(e.eventId) ? 'throw' : 'run'));
 * ```
 */
export function recordingHandlers(log: HandlerLog, intercept: Interceptor = () => 'run'): EventHandlers {
  const wrap =
    <E extends SmartcarEvent>(
      inner: (event: E, context: Parameters<EventHandlers['VEHICLE_STATE']>[1]) => Promise<void>,
    ) =>
    async (event: E, context: Parameters<EventHandlers['VEHICLE_STATE']>[1]): Promise<void> => {
      const action = intercept(event);
      if (action === 'hang') return new Promise<void>(() => undefined);
      try {
        if (action === 'throw') throw new Error('injected handler failure');
        await inner(event, context);
      } catch (error) {
        log.threw.set(event.eventId, (log.threw.get(event.eventId) ?? 0) + 1);
        throw error;
      }
      log.completed.set(event.eventId, (log.completed.get(event.eventId) ?? 0) + 1);
      log.completedOnAttempt.set(event.eventId, [
        ...(log.completedOnAttempt.get(event.eventId) ?? []),
        context.attempt,
      ]);
    };
  return { VEHICLE_STATE: wrap(defaultHandlers.VEHICLE_STATE), VEHICLE_ERROR: wrap(defaultHandlers.VEHICLE_ERROR) };
}

/** An empty {@link HandlerLog}. */
export function newHandlerLog(): HandlerLog {
  return { completed: new Map(), threw: new Map(), completedOnAttempt: new Map() };
}

/**
 * The local pipeline as the suite runs it: random port, quiet logs, short visibility timeout.
 *
 * @example
 * ```ts
 * const pipeline = await startTestPipeline({ handlers: recordingHandlers(log) });
 * ```
 */
export function startTestPipeline(options: PipelineOptions = {}): Promise<LocalPipeline> {
  return startPipeline({
    port: 0,
    quiet: true,
    logLevel: 'SILENT',
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    waitTimeSeconds: 1,
    ...options,
  });
}

/** What kind of delivery a factory builds. */
export type DeliveryKind = 'good' | 'duplicate' | 'poison-malformed' | 'poison-handler';

/** A planned delivery with its kind. */
export interface TestDelivery extends Delivery {
  eventId: string;
  kind: DeliveryKind;
}

/**
 * A signed, realistic VEHICLE_STATE delivery.
 *
 * @example
 * ```ts
 * const delivery = goodDelivery(pipeline.amt, { vehicleId: 'veh-1' });
 * ```
 */
export function goodDelivery(amt: string, options: { vehicleId?: string; eventId?: string } = {}): TestDelivery {
  const payload = buildVehicleState({ ...options, signalCount: 4 });
  return toDelivery(amt, payload, 'good');
}

/**
 * Smartcar's retry of `original`: same event, new delivery id and time, signed again.
 *
 * @example
 * ```ts
 * const retry = redelivery(pipeline.amt, original);
 * ```
 */
export function redelivery(amt: string, original: TestDelivery): TestDelivery {
  const payload = JSON.parse(original.body.toString('utf8')) as Record<string, unknown>;
  const meta = { ...(payload.meta as Record<string, unknown>), deliveryId: randomUUID(), deliveredAt: Date.now() };
  return { ...toDelivery(amt, { ...payload, meta }, 'duplicate'), duplicate: true };
}

/**
 * A validly signed event the receiver must accept but the processor can never handle: either
 * its `data` is not an object (the parser rejects it) or its vehicle id marks it for a handler
 * that always throws.
 *
 * @example
 * ```ts
 * const poison = poisonDelivery(pipeline.amt, 'malformed');
 * ```
 */
export function poisonDelivery(amt: string, how: 'malformed' | 'handler'): TestDelivery {
  if (how === 'handler') {
    return toDelivery(
      amt,
      buildVehicleState({ vehicleId: `${POISON_VEHICLE_PREFIX}${randomUUID()}`, signalCount: 2 }),
      'poison-handler',
    );
  }
  const payload = buildVehicleState({ signalCount: 1 });
  return toDelivery(amt, { ...payload, data: 'not an object', vehicleId: undefined }, 'poison-malformed');
}

/** Vehicle ids of events whose handler always throws. */
export const POISON_VEHICLE_PREFIX = 'poison-';

function toDelivery(amt: string, payload: Record<string, unknown>, kind: DeliveryKind): TestDelivery {
  const body = Buffer.from(JSON.stringify(payload));
  return {
    body,
    headers: signedHeaders(body, amt),
    eventId: payload.eventId as string,
    duplicate: false,
    expect: 200,
    kind,
  };
}

/**
 * Posts deliveries to the pipeline's webhook URL (a redelivery only after its original was
 * answered, as Smartcar retries).
 *
 * @example
 * ```ts
 * const results = await post(pipeline, deliveries, 8);
 * ```
 */
export function post(
  pipeline: LocalPipeline,
  deliveries: readonly TestDelivery[],
  concurrency = 8,
): Promise<DeliveryResult[]> {
  return sendDeliveries(deliveries, { url: pipeline.webhookUrl, amt: pipeline.amt, concurrency, timeoutMs: 20_000 });
}

/**
 * Takes every message out of the DLQ and returns the eventIds of their bodies (malformed bodies
 * still carry one).
 *
 * @example
 * ```ts
 * const dead = await drainDeadLetters(pipeline);
 * ```
 */
export async function drainDeadLetters(pipeline: LocalPipeline): Promise<string[]> {
  const queueUrl = pipeline.endpoints.deadLetterQueueUrl;
  const ids: string[] = [];
  for (;;) {
    const { Messages = [] } = await pipeline.sqsClient.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return ids;
    for (const message of Messages) ids.push((JSON.parse(message.Body ?? '{}') as { eventId?: string }).eventId ?? '');
    await pipeline.sqsClient.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}
