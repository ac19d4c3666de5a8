import type { SQSRecord } from 'aws-lambda';
import { MESSAGE_ATTRIBUTE } from '../core/constants.ts';
import { EVENT_TYPES } from '../core/event-types.ts';
import { epochMs } from '../core/timestamp.ts';
import { vehicleIdOf } from '../core/vehicle-id.ts';
import { NON_LIVE_MODES } from './constants.ts';
import { MalformedEventError } from './errors.ts';
import { signalLookup } from './signals/access.ts';
import type { SignalStatus } from './signals/types.ts';
import type {
  BaseEvent,
  EventMeta,
  EventOf,
  ParsedBody,
  ParsedEvent,
  Signal,
  SignalRef,
  Trigger,
  VehicleError,
  VehicleInfo,
} from './types.ts';

// A hand-written parser instead of a schema library: a few hundred bytes in the bundle instead
// of ~450 KB (zod) and no measurable cold-start cost. It is strict about what the processor
// relies on (eventId, eventType, vehicle id, signal codes) and lenient about everything else,
// because Smartcar's documented and real payloads disagree on several shapes.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function nullableStr(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The fields that have a value: optional fields are left out rather than set to `undefined`. */
function defined<T extends Json>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function arrayOf(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedEventError(`${what} is not an array`);
  return value;
}

/** `{code, name, group}`, or the dotted `"Group.Name"` string one community payload uses. */
function parseSignalRef(value: unknown): SignalRef | undefined {
  if (typeof value === 'string') {
    const [group, name] = value.split('.');
    if (!group) return undefined;
    return name ? { code: `${group}-${name}`.toLowerCase(), name, group } : { code: value };
  }
  if (!isObject(value)) return undefined;
  const code = str(value.code);
  if (!code) return undefined;
  return { code, ...defined({ name: str(value.name), group: str(value.group) }) };
}

function parseMeta(value: unknown): EventMeta {
  if (!isObject(value)) return {};
  return defined({
    version: str(value.version),
    webhookId: str(value.webhookId),
    webhookName: str(value.webhookName),
    deliveryId: str(value.deliveryId),
    deliveredAt: epochMs(value.deliveredAt),
    mode: str(value.mode),
    signalCount: num(value.signalCount),
  });
}

function parseVehicle(root: Json, data: Json): VehicleInfo {
  const vehicle = isObject(data.vehicle) ? data.vehicle : {};
  const id = vehicleIdOf(root);
  if (!id) throw new MalformedEventError('neither vehicleId nor data.vehicle.id is present');
  const info: VehicleInfo = { id };
  const make = str(vehicle.make);
  const model = str(vehicle.model);
  const year = num(vehicle.year);
  if (make) info.make = make;
  if (model) info.model = model;
  if (year !== undefined) info.year = year;
  return info;
}

function parseSignal(value: unknown, index: number): Signal {
  if (!isObject(value)) throw new MalformedEventError(`signals[${index}] is not an object`);
  const ref = parseSignalRef(value);
  if (!ref) throw new MalformedEventError(`signals[${index}] has no code`);
  const rawMeta = isObject(value.meta) ? value.meta : {};
  const meta: Signal['meta'] = {};
  const oemUpdatedAt = epochMs(rawMeta.oemUpdatedAt);
  const retrievedAt = epochMs(rawMeta.retrievedAt) ?? epochMs(rawMeta.fetchedAt);
  if (oemUpdatedAt !== undefined) meta.oemUpdatedAt = oemUpdatedAt;
  if (retrievedAt !== undefined) meta.retrievedAt = retrievedAt;
  const signal: Signal = { ...ref, meta };
  if (isObject(value.body)) signal.body = value.body;
  if (isObject(value.status)) {
    const status: SignalStatus = { value: str(value.status.value) ?? 'UNKNOWN' };
    if (isObject(value.status.error)) {
      status.error = { code: nullableStr(value.status.error.code), type: nullableStr(value.status.error.type) };
    }
    signal.status = status;
  }
  return signal;
}

/** Top-level `{type, signal}` items, or `data.triggers` items `{code, name, group}` / `{code: 'FIRST_DELIVERY'}`. */
function parseTrigger(value: unknown): Trigger | undefined {
  if (!isObject(value)) return undefined;
  const type = str(value.type);
  if (type) {
    const signal = parseSignalRef(value.signal);
    return signal ? { type, signal } : { type };
  }
  const ref = parseSignalRef(value);
  if (!ref) return undefined;
  return ref.code === 'FIRST_DELIVERY' ? { type: 'FIRST_DELIVERY' } : { type: 'SIGNAL_UPDATED', signal: ref };
}

function parseError(value: unknown, index: number): VehicleError {
  if (!isObject(value)) throw new MalformedEventError(`errors[${index}] is not an object`);
  const state = str(value.state);
  if (!state) throw new MalformedEventError(`errors[${index}] has no state`);
  return {
    type: str(value.type) ?? 'UNKNOWN',
    code: nullableStr(value.code),
    state,
    resolutionType: isObject(value.resolution) ? nullableStr(value.resolution.type) : null,
    signals: arrayOf(value.signals, `errors[${index}].signals`)
      .map(parseSignalRef)
      .filter((ref): ref is SignalRef => ref !== undefined),
    ...defined({
      description: str(value.description),
      suggestedUserMessage: str(value.suggestedUserMessage),
      docURL: str(value.docURL),
    }),
  };
}

/** The fields of one event type beyond those every event has. */
type DataFields<T extends string> = Omit<EventOf<T>, keyof BaseEvent | 'eventType'>;

/**
 * How each typed event type's `data` becomes its fields. A type without a parser here reaches
 * its handler as an `UntypedEvent`, with `data` as it arrived.
 */
const DATA_PARSERS: { [T in 'VEHICLE_STATE' | 'VEHICLE_ERROR']: (root: Json, data: Json) => DataFields<T> } = {
  VEHICLE_STATE: (root, data) => {
    const signals = arrayOf(data.signals, 'data.signals').map(parseSignal);
    return {
      triggers: arrayOf(root.triggers ?? data.triggers, 'triggers')
        .map(parseTrigger)
        .filter((trigger): trigger is Trigger => trigger !== undefined),
      signals,
      // Typed access by code: a lookup checks the body against its documented shape.
      signal: signalLookup(signals),
    };
  },
  VEHICLE_ERROR: (_root, data) => ({ errors: arrayOf(data.errors, 'data.errors').map(parseError) }),
};

/** The event types of `EVENT_TYPES`: what `parseEvent` accepts unless told otherwise. */
const LISTED_EVENT_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Parses one SQS record body (the raw Smartcar webhook body) into a typed event.
 *
 * Accepts every documented variant: `triggers` at the top level or in `data`, `retrievedAt` or
 * `fetchedAt`, `vehicleId` or `data.vehicle.id`, failed signals without `body`, null error
 * `code`/`resolution.type`, timestamps in epoch seconds, ms, µs or ns or as ISO strings (one rule,
 * `lambda/core/timestamp.ts`), and unknown extra keys.
 * The VIN is dropped so it can never reach a log line.
 *
 * @param eventTypes the event types that have a handler; any other is `unknown`.
 *   @default the `EVENT_TYPES` of `lambda/core/event-types.ts`
 * @throws MalformedEventError when the body is not JSON, or lacks what the processor relies on.
 * @example
 * ```ts
 * const parsed = parseEvent(record.body);
 * if (parsed.kind === 'event' && parsed.event.eventType === 'VEHICLE_STATE') {
 *   console.log(parsed.event.signals.length);
 * }
 * ```
 */
export function parseEvent(body: string): ParsedBody;
export function parseEvent(body: string, eventTypes: ReadonlySet<string>): ParsedBody<ParsedEvent>;
export function parseEvent(
  body: string,
  eventTypes: ReadonlySet<string> = LISTED_EVENT_TYPES,
): ParsedBody<ParsedEvent> {
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch {
    throw new MalformedEventError('body is not valid JSON');
  }
  if (!isObject(root)) throw new MalformedEventError('body is not a JSON object');
  if (!('eventType' in root) && (root.version === '2.0' || 'eventName' in root)) {
    const eventName = str(root.eventName);
    return eventName ? { kind: 'legacy', eventName } : { kind: 'legacy' };
  }
  const eventId = str(root.eventId);
  const eventType = str(root.eventType);
  if (!eventType) throw new MalformedEventError('eventType is missing');
  // A type this processor does not know is acknowledged whatever else it lacks: retrying it
  // cannot help, and the DLQ is for events a handler should have processed.
  if (!eventTypes.has(eventType)) {
    return eventId ? { kind: 'unknown', eventId, eventType } : { kind: 'unknown', eventType };
  }
  if (!eventId) throw new MalformedEventError('eventId is missing');

  const data = isObject(root.data) ? root.data : undefined;
  if (!data) throw new MalformedEventError('data is missing');
  const meta = parseMeta(root.meta);
  const vehicle = parseVehicle(root, data);
  const userId = isObject(data.user) ? str(data.user.id) : undefined;
  const common: BaseEvent = {
    eventId,
    meta,
    isTest: meta.mode !== undefined && NON_LIVE_MODES.has(meta.mode.toUpperCase()),
    vehicleId: vehicle.id,
    vehicle,
    ...(userId && { userId }),
  };
  const parseData = DATA_PARSERS[eventType as keyof typeof DATA_PARSERS] as
    | ((root: Json, data: Json) => object)
    | undefined;
  // The parser of `eventType` made the fields of exactly that type's event.
  const event = { ...common, eventType, ...(parseData ? parseData(root, data) : { data }) } as ParsedEvent;
  return { kind: 'event', event };
}

/**
 * When the receiver accepted the delivery an SQS record carries, epoch ms: its `receivedAt`
 * attribute (a replayed copy keeps the original's), else SQS's `SentTimestamp` (a message sent
 * by hand), else `undefined`.
 *
 * @example
 * ```ts
 * receivedAtOf(record); // 1764583200000
 * ```
 */
export function receivedAtOf(record: SQSRecord): number | undefined {
  const attribute = record.messageAttributes?.[MESSAGE_ATTRIBUTE.RECEIVED_AT]?.stringValue || undefined;
  const receivedAt = Number(attribute ?? record.attributes?.SentTimestamp);
  return Number.isFinite(receivedAt) ? receivedAt : undefined;
}
