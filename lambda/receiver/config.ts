import { ENV, PIPELINE_DEFAULTS, ROUTES, SQS_MAX_MESSAGE_BYTES } from '../core/constants.ts';
import { ReceiverConfigError } from './errors.ts';
import type { ReceiverConfig } from './types.ts';

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ReceiverConfigError(`Environment variable ${name} is required by the receiver`);
  return value;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ReceiverConfigError(
      `Environment variable ${name} must be an integer from ${min} to ${max}, got "${raw}"`,
    );
  }
  return value;
}

/**
 * Reads the receiver's settings from the environment the stack sets, with the shared defaults.
 * Throws a {@link ReceiverConfigError} naming the variable when a required one is missing or a
 * number is out of range, so a broken deployment fails at init rather than on the first delivery.
 *
 * @example
 * ```ts
 * const config = loadReceiverConfig(process.env);
 * // { queueUrl, amtSecretId, quarantineBucketName, maxBodyBytes: 1048576, amtCacheSeconds: 300, errorCallbackPath: '/webhooks/smartcar/errors',
 * //   deliveryToleranceSeconds: 900 }
 * ```
 */
export function loadReceiverConfig(env: NodeJS.ProcessEnv): ReceiverConfig {
  const errorCallbackPath = env[ENV.ERROR_CALLBACK_PATH]?.trim() || ROUTES.ERROR_PATH;
  if (!errorCallbackPath.startsWith('/')) {
    throw new ReceiverConfigError(`Environment variable ${ENV.ERROR_CALLBACK_PATH} must start with "/"`);
  }
  return {
    queueUrl: required(env, ENV.QUEUE_URL),
    amtSecretId: required(env, ENV.AMT_SECRET_ID),
    // Required: without it a signed body the queue cannot take would be lost (docs/quarantine.md).
    quarantineBucketName: required(env, ENV.QUARANTINE_BUCKET_NAME),
    // The SQS message limit is a hard ceiling: a bigger body could never be persisted.
    maxBodyBytes: integer(env, ENV.MAX_BODY_BYTES, PIPELINE_DEFAULTS.maxBodyBytes, 1, SQS_MAX_MESSAGE_BYTES),
    amtCacheSeconds: integer(env, ENV.AMT_CACHE_SECONDS, PIPELINE_DEFAULTS.amtCacheSeconds, 1, 24 * 60 * 60),
    errorCallbackPath,
    // 0 turns the check off. A window longer than the idempotency TTL would let a replay run the
    // handler a second time, so that is the ceiling.
    deliveryToleranceSeconds: integer(
      env,
      ENV.DELIVERY_TOLERANCE_SECONDS,
      PIPELINE_DEFAULTS.deliveryToleranceSeconds,
      0,
      PIPELINE_DEFAULTS.idempotencyTtlSeconds,
    ),
  };
}
