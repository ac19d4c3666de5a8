import type { ListSpec, ObjectSpec, OneOfSpec, SIGNAL_SHAPES, UnitsSpec } from './shapes.ts';

/** Timestamps of one signal value, epoch ms. */
export interface SignalMeta {
  /** When the vehicle or OEM recorded the value: the ordering key. */
  oemUpdatedAt?: number;
  /** When Smartcar fetched the value (`retrievedAt` or `fetchedAt` on the wire): the fallback ordering key. */
  retrievedAt?: number;
}

/** Per-signal read status; on `ERROR` the signal has no `body`. */
export interface SignalStatus {
  value: string;
  error?: { code: string | null; type: string | null };
}

// Types of the signal catalogue. Every body type is derived from SIGNAL_SHAPES (./shapes.ts),
// so a shape and its type cannot disagree; none of this exists at run time.

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The TypeScript type a field spec describes. */
export type TypeOf<F> = F extends 'number'
  ? number
  : F extends 'string'
    ? string
    : F extends 'boolean'
      ? boolean
      : F extends UnitsSpec<infer U>
        ? U
        : F extends OneOfSpec<infer V>
          ? // The documented values for autocomplete; any other string still type-checks.
            V | (string & {})
          : F extends ListSpec<infer I>
            ? TypeOf<I>[]
            : F extends ObjectSpec
              ? BodyOf<F>
              : unknown;

/** The object type an object spec describes: `key?` fields become optional and nullable. */
export type BodyOf<S extends ObjectSpec> = Simplify<
  { -readonly [K in keyof S as K extends `${string}?` ? never : K]: TypeOf<S[K]> } & {
    -readonly [K in keyof S as K extends `${infer Name}?` ? Name : never]?: TypeOf<S[K]> | null;
  }
>;

/** The code of every signal Smartcar documents, e.g. `tractionbattery-stateofcharge`. */
export type SignalCode = keyof typeof SIGNAL_SHAPES;

/**
 * The documented body of signal `C`; `unknown` for a code the catalogue does not list.
 *
 * @example
 * ```ts
 * type Soc = SignalBody<'tractionbattery-stateofcharge'>; // { value: number; unit: 'percent' }
 * ```
 */
export type SignalBody<C extends string> = C extends SignalCode ? BodyOf<(typeof SIGNAL_SHAPES)[C]> : unknown;

/** One of the 19 signal groups of Smartcar's reference. */
export type SignalGroup =
  | 'Charge'
  | 'Climate'
  | 'Closure'
  | 'ConnectivitySoftware'
  | 'ConnectivityStatus'
  | 'Diagnostics'
  | 'HVAC'
  | 'InternalCombustionEngine'
  | 'Location'
  | 'LowVoltageBattery'
  | 'Motion'
  | 'Odometer'
  | 'Service'
  | 'Surveillance'
  | 'TractionBattery'
  | 'Transmission'
  | 'VehicleIdentification'
  | 'VehicleUserAccount'
  | 'Wheel';

/** A signal whose body has its documented shape (or `unknown`, for a code the catalogue does not list). */
export interface TypedSignal<C extends string = string> {
  code: C;
  name?: string;
  group?: string;
  body: SignalBody<C>;
  meta: SignalMeta;
  status?: SignalStatus;
}

/** A signal code: a documented one (with autocomplete), or any other string. */
export type SignalCodeInput = SignalCode | (string & {});

/**
 * Looks a signal up by code. `undefined` when the signal is absent, has no body (its read
 * failed), or its body does not have its documented shape: that copy is still in `signals`,
 * untyped, and counted as the `SignalShapeMismatch` metric.
 */
export type SignalLookup = <C extends SignalCodeInput>(code: C) => TypedSignal<C> | undefined;

/** Where an example body came from. */
export type ExampleSource =
  /** Copied from the example on Smartcar's page. */
  | 'documented'
  /** Smartcar's page shows none: built from the documented fields. */
  | 'constructed';

/** What the catalogue says of one signal. */
export interface SignalDescription<C extends SignalCode = SignalCode> {
  code: C;
  group: SignalGroup;
  /** Smartcar's name, e.g. `StateOfCharge`. */
  name: string;
  /** One line: what the signal tells. */
  doc: string;
  /** The group's page of Smartcar's signal reference. */
  url: string;
  /** An example body of the documented shape. */
  example: SignalBody<C>;
  exampleSource: ExampleSource;
}
