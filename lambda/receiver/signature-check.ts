import { isWellFormedSignature, verifySignature } from '../core/signature.ts';
import { OUTCOME_CODE } from './constants.ts';
import { AmtNotConfiguredError, SecretUnavailableError } from './errors.ts';
import type { AmtProvider, AmtTokens } from './types/amt.ts';
import type { Decision } from './types/decision.ts';
import type { RawBody } from './types/request.ts';

/**
 * The signature check's verdict, with what a user needs to debug a mismatch.
 *
 * @example
 * ```ts
 * const check: SignatureCheck = { tokens, failure: 'mismatch', refetched: true };
 * ```
 */
export interface SignatureCheck {
  /** The token the signature was made with; absent when no token matched. */
  matchedToken?: string;
  /** The tokens that were tried; absent when the header was missing or malformed. */
  tokens?: AmtTokens;
  /** Why no token matched. */
  failure?: 'missing' | 'malformed' | 'mismatch';
  refetched: boolean;
}

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
