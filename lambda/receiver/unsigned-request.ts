import { createHash } from 'node:crypto';
import { answerUnsignedVerify } from './challenge-answer.ts';
import { OUTCOME_CODE, UNSIGNED_VERIFY_MAX_BYTES, UNTRUSTED_ID_MAX_LENGTH } from './constants.ts';
import { parseEnvelope } from './envelope.ts';
import { type SignatureCheck, tokensTried } from './signature-check.ts';
import type { AmtProvider } from './types/amt.ts';
import type { Decision } from './types/decision.ts';
import type { NormalizedRequest, RawBody } from './types/request.ts';

/**
 * An id or type read from a body, as it may be logged: never at length (an unsigned body's ids
 * are attacker-controlled, and a signed one's may be the over-long id it is quarantined for).
 *
 * @example
 * ```ts
 * clipId('x'.repeat(5_000)); // 'xxxx…' (100 characters and an ellipsis)
 * ```
 */
export function clipId(value: string | undefined): string | undefined {
  return value !== undefined && value.length > UNTRUSTED_ID_MAX_LENGTH
    ? `${value.slice(0, UNTRUSTED_ID_MAX_LENGTH)}…`
    : value;
}

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
