import { createHash } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC, PIPELINE_DEFAULTS, ROUTE_KIND, ROUTES, SQS_MAX_MESSAGE_BYTES } from '../core/constants.ts';
import { isWellFormedSignature, verifySignature } from '../core/signature.ts';
import { ALLOWED_METHOD, OUTCOME_CODE, UNSIGNED_VERIFY_MAX_BYTES, UNTRUSTED_ID_MAX_LENGTH } from './constants.ts';
import { checkDeliveryAge } from './delivery-age.ts';
import { deliveryAttributes, enqueue, messageSize } from './enqueue.ts';
import { parseEnvelope, type Envelope } from './envelope.ts';
import { AmtNotConfiguredError } from './errors.ts';
import { normalizeRequest, readRawBody, type NormalizedRequest, type RawBody } from './request.ts';
import { respond, verifyResponse, OUTCOME_STATUS } from './responses.ts';
import { reportOutcome, type LogDetails } from './telemetry.ts';
import type { Context } from 'aws-lambda';
import type {
  AmtTokens,
  OutcomeCode,
  ReceiverDependencies,
  ReceiverEvent,
  ReceiverHandler,
  ReceiverResult,
} from './types.ts';
import { challengeAnswer, isOpaqueChallenge } from './verify.ts';

interface DecisionFields {
  eventType?: string;
  eventId?: string;
  /** Set by `decide` when the signature matched; see `ReceiverOutcome.signed`. */
  signed?: boolean;
  details?: LogDetails;
  /** Accepted without an age check (no readable `meta.deliveredAt`): counted as `DeliveryAgeUnchecked`. */
  ageUnchecked?: boolean;
}

/**
 * How one request ended, before it is reported. Only a VERIFY answer carries its own response;
 * every other outcome's response follows from its code.
 */
type Decision =
  | (DecisionFields & { code: typeof OUTCOME_CODE.VERIFY_ANSWERED; response: ReceiverResult })
  | (DecisionFields & { code: Exclude<OutcomeCode, typeof OUTCOME_CODE.VERIFY_ANSWERED> });

/** The signature check's verdict, with what a user needs to debug a mismatch. */
interface SignatureCheck {
  /** The token the signature was made with; absent when no token matched. */
  matchedToken?: string;
  /** The tokens that were tried; absent when the header was missing or malformed. */
  tokens?: AmtTokens;
  /** Why no token matched. */
  failure?: 'missing' | 'malformed' | 'mismatch';
  refetched: boolean;
}

/** The ids a VERIFY's log line carries. */
interface VerifyIds {
  eventId?: string;
  deliveryId?: string;
}

class SecretUnavailable extends Error {
  public constructor(public readonly reason: unknown) {
    super('secret unavailable');
  }
}

/** The error name SQS gives a body with characters it does not store. */
const SQS_INVALID_CONTENTS = 'InvalidMessageContents';

function isUtf8(raw: RawBody): boolean {
  return Buffer.byteLength(raw.text, 'utf8') === raw.bytes.length && Buffer.from(raw.text, 'utf8').equals(raw.bytes);
}

function tokenList(tokens: AmtTokens): string[] {
  return tokens.previous ? [tokens.current, tokens.previous] : [tokens.current];
}

/** Ids read from an unauthenticated body are attacker-controlled: logged, but never at length. */
function clip(value: string | undefined): string | undefined {
  return value !== undefined && value.length > UNTRUSTED_ID_MAX_LENGTH ? `${value.slice(0, UNTRUSTED_ID_MAX_LENGTH)}…` : value;
}

function matchingToken(raw: RawBody, signature: string, tokens: AmtTokens): string | undefined {
  const list = tokenList(tokens);
  return list[verifySignature(raw.bytes, signature, list)];
}

function secretFailure(error: SecretUnavailable): Decision {
  const cause = error.reason;
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
 * Builds the receiver: verifies Smartcar's `SC-Signature` over the raw bytes, answers VERIFY
 * challenges, and persists every other signed, well-formed delivery to SQS before answering 200.
 * It never throws: every request ends in a response with a stable code, one log line, one
 * metrics line and one `onOutcome` call.
 *
 * Order of checks (cheapest and least trusting first):
 * 1. size (413) and method (405), before a byte is decoded;
 * 2. the signature over the raw bytes, current AMT then previous; on a real mismatch (a
 *    well-formed header) the AMT is refetched at most once a minute, so rotation needs no redeploy;
 * 3. one JSON parse; a signed VERIFY is always answered (with the token that signed it, never
 *    refused for age), a signed event is enqueued unless its `meta.deliveredAt` is outside the
 *    replay window (`stale_delivery`, see `delivery-age.ts`);
 * 4. an unsigned or badly signed request is only parsed when small, and only to find a VERIFY,
 *    because Smartcar may send VERIFY unsigned. Such a VERIFY is answered only when its challenge
 *    is an opaque token: the answer is HMAC(AMT, challenge), the same function that signs bodies,
 *    so answering a JSON-shaped challenge would sign a forged delivery. Everything else is 401.
 *
 * A missing or malformed header is refused without fetching the secret, so garbage traffic costs
 * no Secrets Manager calls; a secret that cannot be read is 503 (retry), never 401.
 *
 * @example
 * ```ts
 * const handler = createReceiverHandler({ queueUrl, sqs, amt: staticAmtProvider('amt'), logger, metrics });
 * const result = await handler(event); // { statusCode: 200, body: '{"status":"accepted"}', ... }
 * ```
 */
export function createReceiverHandler(deps: ReceiverDependencies): ReceiverHandler {
  const now = deps.now ?? Date.now;
  const maxBodyBytes = deps.maxBodyBytes ?? PIPELINE_DEFAULTS.maxBodyBytes;
  const errorCallbackPath = deps.errorCallbackPath ?? ROUTES.ERROR_PATH;
  const deliveryToleranceSeconds = deps.deliveryToleranceSeconds ?? PIPELINE_DEFAULTS.deliveryToleranceSeconds;

  const loadTokens = async (): Promise<AmtTokens> => {
    try {
      return await deps.amt.get();
    } catch (error) {
      throw new SecretUnavailable(error);
    }
  };

  const checkSignature = async (raw: RawBody, signature: string | undefined): Promise<SignatureCheck> => {
    if (signature === undefined) return { failure: 'missing', refetched: false };
    if (!isWellFormedSignature(signature)) return { failure: 'malformed', refetched: false };
    const tokens = await loadTokens();
    const matchedToken = matchingToken(raw, signature, tokens);
    if (matchedToken) return { matchedToken, tokens, refetched: false };
    let fresh: AmtTokens | undefined;
    try {
      fresh = await deps.amt.refreshAfterMismatch();
    } catch (error) {
      // The AMT may have been rotated and we cannot tell: 503 lets Smartcar retry, 401 would not.
      throw new SecretUnavailable(error);
    }
    if (!fresh) return { tokens, failure: 'mismatch', refetched: false };
    const rematched = matchingToken(raw, signature, fresh);
    return rematched
      ? { matchedToken: rematched, tokens: fresh, refetched: true }
      : { tokens: fresh, failure: 'mismatch', refetched: true };
  };

  const persist = async (
    request: NormalizedRequest,
    raw: RawBody,
    envelope: Extract<Envelope, { kind: 'event' }>,
    eventType: string,
  ): Promise<Decision> => {
    const ids = { eventType, eventId: envelope.eventId };
    const attributes = deliveryAttributes({
      eventType,
      eventId: envelope.eventId,
      deliveryId: envelope.deliveryId,
      route: request.route,
      receivedAt: now(),
    });
    // The SQS limit counts attributes too; a body that fits the receiver limit may still not fit.
    if (messageSize(raw.text, attributes) > SQS_MAX_MESSAGE_BYTES) {
      return { code: OUTCOME_CODE.PAYLOAD_TOO_LARGE, ...ids, details: { deliveryId: envelope.deliveryId } };
    }
    try {
      const messageId = await enqueue(deps.sqs, deps.queueUrl, raw.text, attributes);
      return { code: OUTCOME_CODE.ENQUEUED, ...ids, details: { deliveryId: envelope.deliveryId, messageId } };
    } catch (error) {
      // SQS refuses some characters JSON allows (U+FFFE, U+FFFF): no retry can ever store this
      // body, so it is bad input (4xx), not an outage (5xx).
      if ((error as Error)?.name === SQS_INVALID_CONTENTS) {
        return { code: OUTCOME_CODE.BAD_REQUEST, ...ids, details: { reason: 'characters_sqs_refuses' } };
      }
      return {
        code: OUTCOME_CODE.ENQUEUE_FAILED,
        ...ids,
        details: { deliveryId: envelope.deliveryId, error: (error as Error)?.name ?? 'unknown' },
      };
    }
  };

  const answerVerify = (challenge: string, amt: string, ids: VerifyIds, signed: boolean): Decision => ({
    code: OUTCOME_CODE.VERIFY_ANSWERED,
    response: verifyResponse(challengeAnswer(amt, challenge)),
    eventType: 'VERIFY',
    eventId: ids.eventId,
    details: { deliveryId: ids.deliveryId, signed },
  });

  const decideSigned = async (request: NormalizedRequest, raw: RawBody, signedWith: string): Promise<Decision> => {
    // Smartcar sends UTF-8 JSON. Bytes that are not UTF-8 would reach SQS as different text (with
    // U+FFFD replacements) than what was signed, so they are refused rather than altered. Only a
    // base64 body can carry them: a plain body is already a string.
    if (request.isBase64Encoded && !isUtf8(raw)) {
      return { code: OUTCOME_CODE.BAD_REQUEST, details: { reason: 'not_utf8' } };
    }
    const envelope = parseEnvelope(raw.text);
    if (envelope.kind === 'invalid') return { code: OUTCOME_CODE.NOT_JSON_OBJECT };
    if (envelope.kind === 'verify') {
      if (envelope.challenge === undefined) {
        return { code: OUTCOME_CODE.BAD_REQUEST, eventType: 'VERIFY', details: { reason: 'missing_challenge' } };
      }
      // Smartcar computed the signature with this token, so it expects the answer from it too.
      return answerVerify(envelope.challenge, signedWith, envelope, true);
    }
    if (envelope.eventType === undefined) {
      return { code: OUTCOME_CODE.MISSING_EVENT_TYPE, eventId: envelope.eventId };
    }
    const age = checkDeliveryAge(envelope.deliveredAt, now(), deliveryToleranceSeconds * 1000);
    if (age.verdict === 'stale' || age.verdict === 'future') {
      return {
        code: OUTCOME_CODE.STALE_DELIVERY,
        eventType: envelope.eventType,
        eventId: envelope.eventId,
        details: {
          deliveryId: envelope.deliveryId,
          deliveredAt: new Date(age.deliveredAt).toISOString(),
          ageSeconds: Math.round(age.ageMs / 1000),
          toleranceSeconds: deliveryToleranceSeconds,
        },
      };
    }
    const decision = await persist(request, raw, envelope, envelope.eventType);
    if (decision.code === OUTCOME_CODE.ENQUEUED && (age.verdict === 'missing' || age.verdict === 'unreadable')) {
      return { ...decision, ageUnchecked: true, details: { ...decision.details, deliveryAge: age.verdict } };
    }
    return decision;
  };

  const decideUnsigned = async (request: NormalizedRequest, raw: RawBody, check: SignatureCheck): Promise<Decision> => {
    const envelope = request.bodyBytes <= UNSIGNED_VERIFY_MAX_BYTES ? parseEnvelope(raw.text) : undefined;
    if (envelope?.kind === 'verify') {
      if (envelope.challenge === undefined || !isOpaqueChallenge(envelope.challenge)) {
        return {
          code: OUTCOME_CODE.CHALLENGE_REFUSED,
          eventType: 'VERIFY',
          eventId: clip(envelope.eventId),
          details: { challengeLength: envelope.challenge?.length, signatureCheck: check.failure },
        };
      }
      const tokens = check.tokens ?? (await loadTokens());
      const ids = { eventId: clip(envelope.eventId), deliveryId: clip(envelope.deliveryId) };
      return answerVerify(envelope.challenge, tokens.current, ids, false);
    }
    return {
      code: OUTCOME_CODE.SIGNATURE_INVALID,
      eventType: envelope?.kind === 'event' ? clip(envelope.eventType) : undefined,
      eventId: envelope && envelope.kind !== 'invalid' ? clip(envelope.eventId) : undefined,
      // Safe diagnostics for the Dashboard's "signature mismatch" reports: compare the hash and
      // length with what was sent, see whether the previous AMT was tried and a refetch happened.
      details: {
        signatureCheck: check.failure,
        signatureLength: request.signature?.length,
        bodySha256: createHash('sha256').update(raw.bytes).digest('hex'),
        tokensTried: check.tokens ? (check.tokens.previous ? ['current', 'previous'] : ['current']) : [],
        refetched: check.refetched,
        base64: request.isBase64Encoded,
      },
    };
  };

  const decide = async (request: NormalizedRequest): Promise<Decision> => {
    if (request.bodyBytes > maxBodyBytes) return { code: OUTCOME_CODE.PAYLOAD_TOO_LARGE };
    if (request.method !== ALLOWED_METHOD) return { code: OUTCOME_CODE.METHOD_NOT_ALLOWED };
    if (request.bodyBytes === 0) return { code: OUTCOME_CODE.BAD_REQUEST, details: { reason: 'empty_body' } };
    const raw = readRawBody(request);
    try {
      const check = await checkSignature(raw, request.signature);
      return check.matchedToken
        ? { ...(await decideSigned(request, raw, check.matchedToken)), signed: true }
        : await decideUnsigned(request, raw, check);
    } catch (error) {
      if (error instanceof SecretUnavailable) return secretFailure(error);
      throw error;
    }
  };

  // The Lambda context is accepted (the runtime passes it) but not needed: nothing here depends
  // on the remaining time, and its ids would only lengthen the one log line.
  return async function receiverHandler(event: ReceiverEvent, _context?: Context): Promise<ReceiverResult> {
    const startedAt = now();
    let request: NormalizedRequest | undefined;
    let decision: Decision;
    try {
      request = normalizeRequest(event, errorCallbackPath);
      decision = await decide(request);
    } catch (error) {
      decision = { code: OUTCOME_CODE.INTERNAL_ERROR, details: { error: (error as Error)?.name ?? 'unknown' } };
    }
    const response = decision.code === OUTCOME_CODE.VERIFY_ANSWERED ? decision.response : respond(decision.code);
    // Added right before reportOutcome publishes, with nothing awaited in between, so it lands
    // in this request's one EMF line (next to `EventReceived`) and never in a concurrent one's.
    if (decision.ageUnchecked) deps.metrics.addMetric(METRIC.DELIVERY_AGE_UNCHECKED, MetricUnit.Count, 1);
    reportOutcome(
      deps,
      {
        statusCode: OUTCOME_STATUS[decision.code],
        code: decision.code,
        eventType: decision.eventType,
        eventId: decision.eventId,
        enqueued: decision.code === OUTCOME_CODE.ENQUEUED,
        signed: decision.signed === true,
        route: request?.route ?? ROUTE_KIND.DATA,
        bodyBytes: request?.bodyBytes ?? 0,
      },
      { requestId: request?.requestId, durationMs: now() - startedAt, ...decision.details },
    );
    return response;
  };
}
