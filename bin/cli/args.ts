import { readFileSync } from 'node:fs';
import { LogLevel } from '@aws-lambda-powertools/logger';
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
export function choiceOption<T extends string>(
  value: string | undefined,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`${name} must be one of ${choices.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/**
 * Reads an `http:` or `https:` URL option, so a typo fails before anything is sent.
 *
 * @example
 * ```ts
 * const url = urlOption(values.url, '--url'); // URL | undefined
 * ```
 */
export function urlOption(value: string | undefined, name: string): URL | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${name} must be an http:// or https:// URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${name} must be an http:// or https:// URL, got "${value}"`);
  }
  return url;
}

/**
 * Reads a file named by an option; a missing or unreadable file is a command-line mistake (exit 2).
 *
 * @example
 * ```ts
 * const body = fileOption(values.file, '--file'); // Buffer | undefined
 * ```
 */
export function fileOption(path: string | undefined, name: string): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (code ?? (error as Error).message);
    throw new UsageError(`${name} ${path}: ${why}`, { cause: error });
  }
}

/**
 * Reads a log level from Powertools' own `LogLevel` list (`TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`,
 * `SILENT`, `CRITICAL`; any case), so a typo fails up front instead of being ignored.
 *
 * @example
 * ```ts
 * const logLevel = logLevelOption(values['log-level'], '--log-level'); // 'DEBUG' | ... | undefined
 * ```
 */
export function logLevelOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const levels = Object.values(LogLevel) as string[];
  const upper = value.toUpperCase();
  if (!levels.includes(upper)) throw new UsageError(`${name} must be one of ${levels.join(', ')}, got "${value}"`);
  return upper;
}
