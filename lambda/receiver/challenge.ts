// VERIFY challenges, signed and unsigned, and what any request whose signature did not match gets.
import { createHash } from 'node:crypto';
import { computeSignature } from '../core/signature.ts';
import { OPAQUE_CHALLENGE_PATTERN, OUTCOME_CODE, UNSIGNED_VERIFY_MAX_BYTES } from './constants.ts';
import { clipId, parseEnvelope, verifyResponse } from './request.ts';
import { loadTokens, tokensTried } from './signature-check.ts';
import type { AmtProvider, Decision, Envelope, NormalizedRequest, RawBody, SignatureCheck } from './types.ts';

/**
 * Decides a request whose signature did not match (missing, malformed or wrong). Smartcar may send
 * VERIFY unsigned, so a small body is parsed once, only to find one, which goes to
 * {@link answerUnsignedVerify} and its signing-oracle guard. Everything else is 401
 * `signature_invalid`, with safe diagnostics for the Dashboard's "signature mismatch" reports.
 * Large unsigned bodies are never parsed, so a flood of them costs no JSON parse each.
 *
 * @example
 * ```ts
 * const decision = await decideUnsignedRequest(request, readRawBody(request), check, deps.amt);
 * // { code: 'signature_invalid', details: { signatureCheck: 'mismatch', bodySha256: '…', tokensTried: ['current'] } }
 * ```
 */
export async function decideUnsignedRequest(
  request: NormalizedRequest,
  raw: RawBody,
  check: SignatureCheck,
  amt: AmtProvider,
): Promise<Decision> {
  const envelope = request.bodyBytes <= UNSIGNED_VERIFY_MAX_BYTES ? parseEnvelope(raw.text) : undefined;
  if (envelope?.kind === 'verify') {
    return answerUnsignedVerify(
      { ...envelope, eventId: clipId(envelope.eventId), deliveryId: clipId(envelope.deliveryId) },
      check,
      amt,
    );
  }
  return {
    code: OUTCOME_CODE.SIGNATURE_INVALID,
    eventType: envelope?.kind === 'event' ? clipId(envelope.eventType) : undefined,
    eventId: envelope && envelope.kind !== 'invalid' ? clipId(envelope.eventId) : undefined,
    // Compare the hash and length with what was sent, see whether the previous AMT was tried and
    // a refetch happened: enough to debug a mismatch without logging the signature or the body.
    details: {
      signatureCheck: check.failure,
      signatureLength: request.signature?.length,
      bodySha256: createHash('sha256').update(raw.bytes).digest('hex'),
      tokensTried: tokensTried(check),
      refetched: check.refetched,
      base64: request.isBase64Encoded,
    },
  };
}

/** A parsed VERIFY body: its challenge (when a string) and the ids its log line carries. */
type VerifyEnvelope = Extract<Envelope, { kind: 'verify' }>;

/**
 * Whether a challenge may be answered without a valid signature on the request. The answer is
 * HMAC(AMT, challenge), the very function that signs bodies, so only challenges that can never be
 * a signed body (an opaque token: no braces, brackets, quotes or whitespace) are answered.
 *
 * @example
 * ```ts
 * isOpaqueChallenge('3a5c8f72-e6d9-4b1a-9f2e-8c7d6a5b4e3f'); // true
 * isOpaqueChallenge('{"eventType":"VEHICLE_STATE"}'); // false
 * ```
 */
export function isOpaqueChallenge(challenge: string): boolean {
  return OPAQUE_CHALLENGE_PATTERN.test(challenge);
}

/**
 * The VERIFY response body Smartcar expects: `{"challenge":"<lowercase hex HMAC-SHA256>"}`,
 * keyed with the AMT over the challenge exactly as received.
 *
 * @example
 * ```ts
 * challengeAnswer('test-amt-0000', 'abc123');
 * // '{"challenge":"f75adf450e4ceb6821fc54b32442ddad157f41d3953eea79cb5b4bf1764bbb29"}'
 * ```
 */
export function challengeAnswer(amt: string, challenge: string): string {
  return JSON.stringify({ challenge: computeSignature(amt, challenge) });
}

function answered(challenge: string, amt: string, verify: VerifyEnvelope, signed: boolean): Decision {
  return {
    code: OUTCOME_CODE.VERIFY_ANSWERED,
    response: verifyResponse(challengeAnswer(amt, challenge)),
    eventType: 'VERIFY',
    eventId: verify.eventId,
    details: { deliveryId: verify.deliveryId, signed },
  };
}

/**
 * Answers a VERIFY whose signature matched `signedWith`. It is always answered, never refused for
 * age: Smartcar is waiting on it to enable the webhook. The answer is keyed with the token that
 * signed the request, because Smartcar signed with it and so expects the answer from it too
 * (during a rotation that may be the previous AMT).
 *
 * @example
 * ```ts
 * answerSignedVerify(envelope, check.matchedToken); // { code: 'verify_answered', response: { statusCode: 200, ... } }
 * ```
 */
export function answerSignedVerify(verify: VerifyEnvelope, signedWith: string): Decision {
  if (verify.challenge === undefined) {
    return { code: OUTCOME_CODE.BAD_REQUEST, eventType: 'VERIFY', details: { reason: 'missing_challenge' } };
  }
  return answered(verify.challenge, signedWith, verify, true);
}

/**
 * Answers a VERIFY that was not validly signed, which Smartcar may send, with the current AMT,
 * but only when its challenge is an opaque token ({@link isOpaqueChallenge}): answering a
 * JSON-shaped challenge would sign a forged delivery (the signing-oracle guard). Anything else is
 * `challenge_refused`. The ids in `verify` come from an unauthenticated body: the caller clips them.
 *
 * Throws `SecretUnavailableError` when the check did not load the tokens and they cannot be read.
 *
 * @example
 * ```ts
 * await answerUnsignedVerify({ kind: 'verify', challenge: 'abc-123' }, check, deps.amt);
 * ```
 */
export async function answerUnsignedVerify(
  verify: VerifyEnvelope,
  check: SignatureCheck,
  amt: AmtProvider,
): Promise<Decision> {
  if (verify.challenge === undefined || !isOpaqueChallenge(verify.challenge)) {
    return {
      code: OUTCOME_CODE.CHALLENGE_REFUSED,
      eventType: 'VERIFY',
      eventId: verify.eventId,
      details: { challengeLength: verify.challenge?.length, signatureCheck: check.failure },
    };
  }
  // A missing or malformed header never loaded the tokens; a mismatch already has them.
  const tokens = check.tokens ?? (await loadTokens(amt));
  return answered(verify.challenge, tokens.current, verify, false);
}
