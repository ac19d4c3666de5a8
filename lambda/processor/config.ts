import { ENV, PIPELINE_DEFAULTS } from '../core/constants.ts';
import { ProcessorConfigError } from './errors.ts';
import type { ProcessorConfig } from './types.ts';

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ProcessorConfigError(`${name} is not set`);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ProcessorConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

/**
 * Reads the processor's settings from the environment the stack sets (names in `ENV`). Table
 * name is required; the vehicle-state table is optional (absent with `vehicleStateStore: false`),
 * and so is the archive stream (absent with `-c archive=false`); TTLs and
 * the max receive count fall back to `PIPELINE_DEFAULTS`, so the
 * stack, the local pipeline and the function agree without repeating a number.
 *
 * @throws ProcessorConfigError on a missing table name or a malformed number (at cold start).
 * @example
 * ```ts
 * const config = loadProcessorConfig(process.env);
 * config.maxReceiveCount; // 3 unless MAX_RECEIVE_COUNT says otherwise
 * ```
 */
export function loadProcessorConfig(env: Env): ProcessorConfig {
  const archiveStreamName = env[ENV.ARCHIVE_STREAM_NAME]?.trim();
  const vehicleStateTableName = env[ENV.VEHICLE_STATE_TABLE_NAME]?.trim();
  return {
    idempotencyTableName: required(env, ENV.IDEMPOTENCY_TABLE_NAME),
    idempotencyTtlSeconds: integer(env, ENV.IDEMPOTENCY_TTL_SECONDS, PIPELINE_DEFAULTS.idempotencyTtlSeconds, 1),
    ...(vehicleStateTableName ? { vehicleStateTableName } : {}),
    // 0 is meaningful here: keep vehicle state forever.
    vehicleStateTtlSeconds: integer(env, ENV.VEHICLE_STATE_TTL_SECONDS, PIPELINE_DEFAULTS.vehicleStateTtlSeconds, 0),
    maxReceiveCount: integer(env, ENV.MAX_RECEIVE_COUNT, PIPELINE_DEFAULTS.maxReceiveCount, 1),
    futureToleranceSeconds: integer(env, ENV.FUTURE_TOLERANCE_SECONDS, PIPELINE_DEFAULTS.futureToleranceSeconds, 0),
    ...(archiveStreamName ? { archiveStreamName } : {}),
  };
}
