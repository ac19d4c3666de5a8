// Who sent it: the AMT from Secrets Manager (cached, rotation-aware) and the `SC-Signature`
// check over the raw bytes, current token then previous.
import { GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { readAmtSecret } from '../core/amt-secret.ts';
import { PIPELINE_DEFAULTS } from '../core/constants.ts';
import { isWellFormedSignature, verifySignature } from '../core/signature.ts';
import { AMT_UNAVAILABLE_RETRY_SECONDS, OUTCOME_CODE } from './constants.ts';
import { AmtNotConfiguredError, AmtUnavailableError, SecretUnavailableError } from './errors.ts';
import type {
  AmtProvider,
  AmtTokens,
  Decision,
  RawBody,
  SecretsManagerAmtProviderOptions,
  SignatureCheck,
} from './types.ts';

function tokenList(tokens: AmtTokens): string[] {
  return tokens.previous ? [tokens.current, tokens.previous] : [tokens.current];
}

function matchingToken(raw: RawBody, signature: string, tokens: AmtTokens): string | undefined {
  const list = tokenList(tokens);
  return list[verifySignature(raw.bytes, signature, list)];
}

/**
 * The accepted tokens, or a {@link SecretUnavailableError} wrapping whatever kept the provider
 * from answering, so the pipeline can tell "no secret" (503) from a bug (500).
 *
 * @example
 * ```ts
 * const { current } = await loadTokens(deps.amt);
 * ```
 */
export async function loadTokens(amt: AmtProvider): Promise<AmtTokens> {
  try {
    return await amt.get();
  } catch (error) {
    throw new SecretUnavailableError({ cause: error });
  }
}

/**
 * Checks `SC-Signature` over the raw bytes in constant time, with the current AMT then the
 * previous one. A missing or malformed header is refused without touching the secret, so garbage
 * traffic costs no Secrets Manager calls. On a real mismatch (a well-formed header) the AMT is
 * refetched when the provider allows it (at most once a minute), so a rotation needs no redeploy.
 *
 * Throws {@link SecretUnavailableError} when the tokens cannot be read, or the refetch after a
 * mismatch fails: the AMT may have been rotated and we cannot tell, so 503 lets Smartcar retry
 * where 401 would not.
 *
 * @example
 * ```ts
 * const check = await checkSignature(readRawBody(request), request.signature, deps.amt);
 * if (check.matchedToken) answerWith(check.matchedToken);
 * ```
 */
export async function checkSignature(
  raw: RawBody,
  signature: string | undefined,
  amt: AmtProvider,
): Promise<SignatureCheck> {
  if (signature === undefined) return { failure: 'missing', refetched: false };
  if (!isWellFormedSignature(signature)) return { failure: 'malformed', refetched: false };
  const tokens = await loadTokens(amt);
  const matchedToken = matchingToken(raw, signature, tokens);
  if (matchedToken) return { matchedToken, tokens, refetched: false };
  let fresh: AmtTokens | undefined;
  try {
    fresh = await amt.refreshAfterMismatch();
  } catch (error) {
    throw new SecretUnavailableError({ cause: error });
  }
  if (!fresh) return { tokens, failure: 'mismatch', refetched: false };
  const rematched = matchingToken(raw, signature, fresh);
  return rematched
    ? { matchedToken: rematched, tokens: fresh, refetched: true }
    : { tokens: fresh, failure: 'mismatch', refetched: true };
}

/**
 * The decision for a secret that could not be read: 503 `secret_unavailable`, with whether it is
 * a setup problem (`not_configured`) or an outage (`unavailable`) in the log line.
 *
 * @example
 * ```ts
 * if (error instanceof SecretUnavailableError) return secretUnavailable(error);
 * ```
 */
export function secretUnavailable(error: SecretUnavailableError): Decision {
  const cause = error.cause;
  return {
    code: OUTCOME_CODE.SECRET_UNAVAILABLE,
    details: {
      reason: cause instanceof AmtNotConfiguredError ? 'not_configured' : 'unavailable',
      // Our own error messages name the problem and never contain the secret value.
      error: cause instanceof Error ? cause.message : 'unknown',
      cause: cause instanceof Error && cause.cause instanceof Error ? cause.cause.name : undefined,
    },
  };
}

/**
 * Which tokens a failed check tried, for the "signature mismatch" diagnostics (names, never values).
 *
 * @example
 * ```ts
 * tokensTried({ tokens: { current: 'a', previous: 'b' }, failure: 'mismatch', refetched: false }); // ['current', 'previous']
 * ```
 */
export function tokensTried(check: SignatureCheck): string[] {
  if (!check.tokens) return [];
  return check.tokens.previous ? ['current', 'previous'] : ['current'];
}

/**
 * Turns a secret value into the accepted tokens, in the format `readAmtSecret` (lambda/core)
 * defines: the AMT itself, or JSON `{"current": "...", "previous": "..."}` during a rotation.
 *
 * Throws {@link AmtNotConfiguredError} for an empty value, the stack's placeholder, JSON that does
 * not parse, or JSON without a usable `current`.
 *
 * @example
 * ```ts
 * parseAmtSecret('amt-1'); // { current: 'amt-1' }
 * parseAmtSecret('{"current":"amt-2","previous":"amt-1"}'); // { current: 'amt-2', previous: 'amt-1' }
 * ```
 */
export function parseAmtSecret(value: string | undefined): AmtTokens {
  const reading = readAmtSecret(value);
  if ('problem' in reading) throw new AmtNotConfiguredError(reading.problem);
  return reading.tokens;
}

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
