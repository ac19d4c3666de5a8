import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AmtTokens } from '../../core/amt-secret.ts';

export type { AmtTokens } from '../../core/amt-secret.ts';

/**
 * Source of the AMT; implementations cache and rate-limit refetches.
 *
 * @example
 * ```ts
 * const amt: AmtProvider = staticAmtProvider('amt');
 * const { current } = await amt.get();
 * ```
 */
export interface AmtProvider {
  /** Cached tokens; fetches when the cache is empty or expired. Throws when the secret cannot be read. */
  get(): Promise<AmtTokens>;
  /**
   * Called after a signature mismatch: refetches if the last fetch is older than the refetch
   * interval and returns the (possibly new) tokens, or `undefined` when a refetch is not allowed yet.
   */
  refreshAfterMismatch(): Promise<AmtTokens | undefined>;
}

/**
 * Options of the Secrets Manager-backed {@link AmtProvider}.
 *
 * @example
 * ```ts
 * const options: SecretsManagerAmtProviderOptions = { secretId: 'smartcar/amt', client: new SecretsManagerClient({}) };
 * ```
 */
export interface SecretsManagerAmtProviderOptions {
  /** ARN or name of the secret. */
  secretId: string;
  client: SecretsManagerClient;
  /** How long fetched tokens are trusted. @default PIPELINE_DEFAULTS.amtCacheSeconds */
  cacheSeconds?: number;
  /**
   * Least time between two fetches triggered by a signature mismatch, and how long a "not
   * configured" answer is remembered. @default PIPELINE_DEFAULTS.amtRefetchMinIntervalSeconds
   */
  refetchMinIntervalSeconds?: number;
  /**
   * How long a failed read is remembered when no tokens were fetched before (requests meanwhile
   * get 503 without a call). @default AMT_UNAVAILABLE_RETRY_SECONDS (5)
   */
  unavailableRetrySeconds?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  /** Told when stale tokens are served because a refresh failed. */
  logger?: Pick<Logger, 'warn'>;
}
