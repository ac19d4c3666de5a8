import type { RemovalPolicy } from 'aws-cdk-lib';
import { REMOVAL_POLICY } from '../cdk-enums.ts';
import { ConfigError } from '../errors.ts';

/**
 * The parsers of the settings table (`table.ts`): each takes a context value as it arrives
 * (a string from `-c key=value`, any JSON value from `cdk.json`) and returns it typed, or throws a
 * {@link ConfigError} naming the key, what was expected and what was given. They never see
 * `undefined`: an unset key is the reader's business.
 */

/** Parses one context value of `key`. */
export type Parser<T> = (value: unknown, key: string) => T;

/**
 * A string matching `pattern`.
 *
 * @example
 * ```ts
 * matching(/^[a-z]+$/, 'lowercase letters')('dev', 'stage'); // 'dev'
 * ```
 */
export function matching(pattern: RegExp, expected: string): Parser<string> {
  return (value, key) => {
    if (typeof value !== 'string' || !pattern.test(value)) throw new ConfigError(key, expected, value);
    return value;
  };
}

/**
 * A number from `min` to `max`. `-c key=5` arrives as the string "5", `cdk.json` as the number 5:
 * both are accepted, nothing else.
 *
 * @example
 * ```ts
 * numberFrom(0, 1, { integer: false })('0.5', 'ratio'); // 0.5
 * ```
 */
export function numberFrom(
  min: number,
  max: number,
  options: { integer: boolean } = { integer: true },
): Parser<number> {
  return (value, key) => {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    const ok =
      typeof n === 'number' && Number.isFinite(n) && (!options.integer || Number.isInteger(n)) && n >= min && n <= max;
    if (!ok) throw new ConfigError(key, `${options.integer ? 'an integer' : 'a number'} from ${min} to ${max}`, value);
    return n;
  };
}

/**
 * An integer from `min` to `max`.
 *
 * @example
 * ```ts
 * integerFrom(1, 10)('7', 'batchSize'); // 7
 * ```
 */
export function integerFrom(min: number, max: number): Parser<number> {
  return numberFrom(min, max, { integer: true });
}

/**
 * One of `allowed` (numbers given as strings match too; strings match case-insensitively and
 * come back in the case of `allowed`).
 *
 * @example
 * ```ts
 * oneOf(['INFO', 'DEBUG'] as const)('debug', 'logLevel'); // 'DEBUG'
 * ```
 */
export function oneOf<T extends string | number>(allowed: readonly T[]): Parser<T> {
  return (value, key) => {
    const normalized = (v: unknown): unknown => (typeof v === 'string' ? v.trim().toUpperCase() : v);
    const match = allowed.find(
      (a) =>
        normalized(a) === normalized(value) ||
        (typeof a === 'number' && typeof value === 'string' && value.trim() !== '' && Number(value) === a),
    );
    if (match === undefined) throw new ConfigError(key, `one of ${allowed.join(', ')}`, value);
    return match;
  };
}

/**
 * `true` or `false`: `-c archive=false` arrives as the string "false", `cdk.json` as the boolean.
 *
 * @example
 * ```ts
 * boolean('false', 'archive'); // false
 * ```
 */
export const boolean: Parser<boolean> = (value, key) => {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigError(key, 'true or false', value);
};

/**
 * `retain` or `destroy`, as the CDK removal policy.
 *
 * @example
 * ```ts
 * removalPolicy('retain', 'removalPolicy'); // RemovalPolicy.RETAIN
 * ```
 */
export const removalPolicy: Parser<RemovalPolicy> = (value, key) => {
  if (value === REMOVAL_POLICY.RETAIN || value === REMOVAL_POLICY.DESTROY) return value;
  throw new ConfigError(key, '"retain" or "destroy"', value);
};

/**
 * An object of `names` mapped to numbers from `min` up, from `cdk.json` as an object or from
 * `-c 'key={"name":1}'` as its JSON text. Only the names given come back.
 *
 * @example
 * ```ts
 * numbersByName(['api5xx', 'dlqMessages'], 0)('{"api5xx":3}', 'alarmThresholds'); // { api5xx: 3 }
 * ```
 */
export function numbersByName<N extends string>(names: readonly N[], min: number): Parser<Partial<Record<N, number>>> {
  const expected = `an object with any of ${names.join(', ')} mapped to numbers >= ${min}`;
  const toNumber = numberFrom(min, Number.MAX_SAFE_INTEGER, { integer: false });
  return (value, key) => {
    let parsed: unknown = value;
    if (typeof value === 'string') {
      try {
        parsed = JSON.parse(value);
      } catch {
        throw new ConfigError(key, expected, value);
      }
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new ConfigError(key, expected, value);
    const result: Partial<Record<N, number>> = {};
    for (const [name, raw] of Object.entries(parsed)) {
      const known = names.find((n) => n === name);
      if (known === undefined) throw new ConfigError(`${key}.${name}`, `one of ${names.join(', ')}`, name);
      result[known] = toNumber(raw, `${key}.${name}`);
    }
    return result;
  };
}
