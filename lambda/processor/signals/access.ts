import type { Signal, StoredSignal } from '../types.ts';
import type { FieldSpec } from './shapes.ts';
import { SIGNAL_SHAPES } from './shapes.ts';
import type { SignalLookup, TypedSignal } from './types.ts';

// The run-time side of the catalogue: one recursive shape check and two lookups. Tolerant by
// design: a body that does not match is reported, never changed, dropped or thrown on.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function conforms(spec: FieldSpec, value: unknown): boolean {
  if (typeof spec === 'string') {
    return spec === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === spec;
  }
  if (spec.$ === 'units') return (spec.values as readonly unknown[]).includes(value);
  if (spec.$ === 'oneOf') return typeof value === 'string';
  if (spec.$ === 'list') return Array.isArray(value) && value.every((item) => conforms(spec.of as FieldSpec, item));
  if (!isRecord(value)) return false;
  for (const key in spec) {
    const optional = key.endsWith('?');
    const field = value[optional ? key.slice(0, -1) : key];
    if (field === undefined || field === null ? !optional : !conforms(spec[key] as FieldSpec, field)) return false;
  }
  return true;
}

/**
 * Whether `body` has the documented shape of signal `code`: every required field present with its
 * type, every unit one of the documented units. Extra fields are allowed (Smartcar adds fields).
 *
 * @returns `undefined` for a code the catalogue does not list.
 * @example
 * ```ts
 * matchesShape('tractionbattery-stateofcharge', { value: 78, unit: 'percent' }); // true
 * matchesShape('tractionbattery-stateofcharge', { value: '78' }); // false
 * ```
 */
export function matchesShape(code: string, body: unknown): boolean | undefined {
  const spec: FieldSpec | undefined = Object.hasOwn(SIGNAL_SHAPES, code)
    ? SIGNAL_SHAPES[code as keyof typeof SIGNAL_SHAPES]
    : undefined;
  return spec === undefined ? undefined : conforms(spec, body);
}

/**
 * The codes of the signals whose body does not have its documented shape (one entry per such
 * signal). Signals without a body (failed reads) and codes the catalogue does not list are left out.
 *
 * @example
 * ```ts
 * for (const code of shapeMismatches(event.signals)) tally.signalShapeMismatch(code);
 * ```
 */
export function shapeMismatches(signals: readonly Signal[]): string[] {
  return signals.filter((signal) => signal.body && matchesShape(signal.code, signal.body) === false).map((s) => s.code);
}

/** The signal as `signal()` hands it out: a body is there and, for a listed code, has its documented shape. */
function typed<C extends string>(code: C, signal: Omit<TypedSignal, 'body'> & { body?: unknown }) {
  if (signal.body === undefined || matchesShape(code, signal.body) === false) return undefined;
  return signal as TypedSignal<C>;
}

/**
 * `event.signal(code)` over a VEHICLE_STATE's signals.
 *
 * @example
 * ```ts
 * const signal = signalLookup(signals);
 * signal('tractionbattery-stateofcharge')?.body.value; // number | undefined
 * ```
 */
export function signalLookup(signals: readonly Signal[]): SignalLookup {
  return (code) => {
    const found = signals.find((signal) => signal.code === code);
    return found && typed(code, found);
  };
}

/**
 * `snapshot.signal(code)` over a vehicle's stored signals: the same shape as `event.signal`, its
 * timestamps under `meta`.
 *
 * @example
 * ```ts
 * const signal = storedSignalLookup(snapshot.signals);
 * signal('odometer-traveleddistance')?.body.unit; // 'kilometers' | 'miles' | undefined
 * ```
 */
export function storedSignalLookup(signals: Readonly<Record<string, StoredSignal>>): SignalLookup {
  return (code) => {
    const stored = Object.hasOwn(signals, code) ? signals[code] : undefined;
    if (!stored) return undefined;
    const { name, group, body, oemUpdatedAt, retrievedAt } = stored;
    const meta = {
      ...(oemUpdatedAt !== undefined && { oemUpdatedAt }),
      ...(retrievedAt !== undefined && { retrievedAt }),
    };
    return typed(code, { code, ...(name && { name }), ...(group && { group }), body, meta });
  };
}
