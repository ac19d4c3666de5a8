import { GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { PIPELINE_DEFAULTS } from '../core/constants.ts';
import { parseAmtSecret } from './amt-secret.ts';
import { AMT_UNAVAILABLE_RETRY_SECONDS } from './constants.ts';
import { AmtNotConfiguredError, AmtUnavailableError } from './errors.ts';
import type { AmtProvider, AmtTokens, SecretsManagerAmtProviderOptions } from './types/amt.ts';

/**
 * An {@link AmtProvider} reading the AMT from Secrets Manager.
 *
 * - Tokens are cached for `cacheSeconds` (minutes: every GetSecretValue costs money).
 * - After a signature mismatch, `refreshAfterMismatch` refetches at most once per
 *   `refetchMinIntervalSeconds` (counted from the last fetch of any kind), so a rotated AMT
 *   takes effect without a redeploy while forged deliveries cannot drive up the secret bill.
 * - A secret that is not configured is remembered for the refetch interval too: setting the real
 *   AMT takes effect within a minute, and an unconfigured endpoint costs at most one call a minute.
 * - A failed read with no tokens to fall back on is remembered for `unavailableRetrySeconds`:
 *   during a Secrets Manager outage the requests meanwhile fail at once (503), and the outage
 *   costs one call per window, not one per delivery.
 * - When a scheduled refresh fails but tokens were fetched before, those stale tokens keep being
 *   served (retrying after the refetch interval) instead of answering 503 to every delivery.
 * - Concurrent callers share one in-flight fetch (the local pipeline serves requests concurrently).
 *
 * Powertools Parameters (`SecretsProvider`) is not used: its cache hides when the last fetch
 * happened and drops stale values on error, and both are needed for the rules above.
 *
 * @example
 * ```ts
 * const amt = createSecretsManagerAmtProvider({ secretId: process.env.AMT_SECRET_ID!, client: new SecretsManagerClient({}) });
 * const { current, previous } = await amt.get();
 * ```
 */
export function createSecretsManagerAmtProvider(options: SecretsManagerAmtProviderOptions): AmtProvider {
  const now = options.now ?? Date.now;
  const cacheMs = (options.cacheSeconds ?? PIPELINE_DEFAULTS.amtCacheSeconds) * 1000;
  const refetchMs = (options.refetchMinIntervalSeconds ?? PIPELINE_DEFAULTS.amtRefetchMinIntervalSeconds) * 1000;
  const unavailableMs = (options.unavailableRetrySeconds ?? AMT_UNAVAILABLE_RETRY_SECONDS) * 1000;
  let tokens: AmtTokens | undefined;
  let expiresAt = 0;
  let lastFetchAt = Number.NEGATIVE_INFINITY;
  /** The last failed fetch, answered again until `until` without a call. */
  let failure: { error: AmtNotConfiguredError | AmtUnavailableError; until: number } | undefined;
  let inflight: Promise<AmtTokens> | undefined;

  const read = async (): Promise<string | undefined> => {
    try {
      const result = await options.client.send(new GetSecretValueCommand({ SecretId: options.secretId }));
      if (result.SecretString !== undefined) return result.SecretString;
      return result.SecretBinary ? Buffer.from(result.SecretBinary).toString('utf8') : undefined;
    } catch (error) {
      // Also what Secrets Manager answers for a secret created without any value.
      if (error instanceof ResourceNotFoundException) {
        throw new AmtNotConfiguredError('the secret or its current value does not exist', { cause: error });
      }
      throw new AmtUnavailableError({ cause: error });
    }
  };

  const fetchTokens = async (): Promise<AmtTokens> => {
    lastFetchAt = now();
    try {
      const fetched = parseAmtSecret(await read());
      tokens = fetched;
      expiresAt = now() + cacheMs;
      failure = undefined;
      return fetched;
    } catch (error) {
      if (error instanceof AmtNotConfiguredError) failure = { error, until: now() + refetchMs };
      // With tokens fetched before, `get` serves those instead (see below).
      else if (error instanceof AmtUnavailableError && !tokens) failure = { error, until: now() + unavailableMs };
      throw error;
    }
  };

  const fetchShared = (): Promise<AmtTokens> => {
    inflight ??= fetchTokens().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  return {
    async get() {
      if (tokens && now() < expiresAt) return tokens;
      if (failure && now() < failure.until) throw failure.error;
      try {
        return await fetchShared();
      } catch (error) {
        if (!(tokens && error instanceof AmtUnavailableError)) throw error;
        expiresAt = now() + refetchMs;
        options.logger?.warn('AMT refresh failed, serving the cached tokens', { retryInSeconds: refetchMs / 1000 });
        return tokens;
      }
    },
    async refreshAfterMismatch() {
      // A mismatch seen while a fetch is under way waits for it: it may bring the rotated AMT.
      if (inflight) return inflight;
      if (now() - lastFetchAt < refetchMs) return undefined;
      return fetchShared();
    },
  };
}

/**
 * An {@link AmtProvider} with fixed tokens, for the local pipeline and tests. A plain string may
 * also be the JSON `{current, previous}` form. Tokens that are empty or the placeholder make
 * `get()` reject with {@link AmtNotConfiguredError}, exactly as an unconfigured secret does.
 *
 * @example
 * ```ts
 * const amt = staticAmtProvider({ current: 'new-amt', previous: 'old-amt' });
 * ```
 */
export function staticAmtProvider(tokens: AmtTokens | string): AmtProvider {
  let parsed: AmtTokens | undefined;
  let error: unknown;
  try {
    parsed = parseAmtSecret(typeof tokens === 'string' ? tokens : JSON.stringify(tokens));
  } catch (caught) {
    error = caught;
  }
  return {
    get: async () => {
      if (!parsed) throw error;
      return parsed;
    },
    refreshAfterMismatch: async () => undefined,
  };
}
