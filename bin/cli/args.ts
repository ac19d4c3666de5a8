import { UsageError } from './errors.ts';

/**
 * Reads an integer option, rejecting anything else (`--count 1.5`, `--count abc`).
 *
 * @example
 * ```ts
 * const count = intOption(values.count, '--count', { default: 1, min: 1 });
 * ```
 */
export function intOption(
  value: string | undefined,
  name: string,
  limits: { default: number; min?: number; max?: number },
): number {
  if (value === undefined) return limits.default;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new UsageError(`${name} must be an integer, got "${value}"`);
  if (limits.min !== undefined && parsed < limits.min) throw new UsageError(`${name} must be at least ${limits.min}`);
  if (limits.max !== undefined && parsed > limits.max) throw new UsageError(`${name} must be at most ${limits.max}`);
  return parsed;
}

/**
 * Reads a number option within `[min, max]` (e.g. a rate).
 *
 * @example
 * ```ts
 * const rate = numberOption(values['duplicate-rate'], '--duplicate-rate', { default: 0, min: 0, max: 1 });
 * ```
 */
export function numberOption(
  value: string | undefined,
  name: string,
  limits: { default: number; min: number; max: number },
): number {
  if (value === undefined) return limits.default;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < limits.min || parsed > limits.max) {
    throw new UsageError(`${name} must be a number from ${limits.min} to ${limits.max}, got "${value}"`);
  }
  return parsed;
}

/**
 * Reads an option restricted to a few values.
 *
 * @example
 * ```ts
 * const variant = choiceOption(values.variant, '--variant', ['reference', 'captured'] as const, 'reference');
 * ```
 */
export function choiceOption<T extends string>(value: string | undefined, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`${name} must be one of ${choices.join(', ')}, got "${value}"`);
  }
  return value as T;
}
