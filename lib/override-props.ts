/**
 * The caller's props merged over a construct's defaults: the type of the result. A key the
 * defaults hold is always set; one the caller gave as `undefined` keeps its default.
 */
export type Overridden<D extends object, P extends object> = Omit<P, keyof D> & {
  -readonly [K in keyof D]-?: K extends keyof P ? Exclude<P[K], undefined> | Widen<D[K]> : Widen<D[K]>;
};

/** `256` as `number`, `'INFO'` as `string`: a default is one value of its prop's type. */
type Widen<T> = T extends number ? number : T extends string ? (string extends T ? string : T) : T;

/**
 * Merges a construct's props over its defaults, once, at the top of its constructor (the AWS
 * Solutions Constructs habit, `overrideProps(defaults, props)`). A prop given as `undefined`
 * keeps its default, so a caller can pass optional values straight through; plain objects (alarm
 * thresholds, say) merge key by key; anything else (a `Duration`, a construct, an array) replaces
 * the default whole.
 *
 * @example
 * ```ts
 * const p = overrideProps({ memorySize: 256, timeout: Duration.seconds(10) }, { memorySize: undefined, timeout: Duration.seconds(5) });
 * p.memorySize; // 256
 * p.timeout.toSeconds(); // 5
 * ```
 */
export function overrideProps<D extends object, P extends object>(defaults: D, props: P | undefined): Overridden<D, P> {
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? overrideProps(current, value) : value;
  }
  return merged as Overridden<D, P>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
