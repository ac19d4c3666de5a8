import type { Context } from 'aws-lambda';
import { LAMBDA_SYNC_PAYLOAD_BYTES, PIPELINE_DEFAULTS, ROUTES } from '../core/constants.ts';
import { decideUnsignedRequest } from './challenge.ts';
import { ALLOWED_METHOD, OUTCOME_CODE } from './constants.ts';
import { SecretUnavailableError } from './errors.ts';
import { normalizeRequest, readRawBody, responseFor } from './request.ts';
import { checkSignature, secretUnavailable } from './signature-check.ts';
import { decideSignedRequest } from './signed-request.ts';
import { reportDecision } from './telemetry.ts';
import type {
  Decision,
  NormalizedRequest,
  ReceiverDependencies,
  ReceiverEvent,
  ReceiverHandler,
  ReceiverResult,
  ResolvedReceiverDependencies,
} from './types.ts';

/**
 * The refusals that need no byte of the body decoded: the cheapest checks, so they go first. A
 * body over `maxBodyBytes` is refused here only when it carries no signature to check (or is
 * bigger than any front door can deliver): a signed one goes to the quarantine instead.
 */
function refuseUnread(request: NormalizedRequest, maxBodyBytes: number): Decision | undefined {
  if (request.method !== ALLOWED_METHOD) return { code: OUTCOME_CODE.METHOD_NOT_ALLOWED };
  if (request.bodyBytes === 0) return { code: OUTCOME_CODE.BAD_REQUEST, details: { reason: 'empty_body' } };
  const tooLarge = request.bodyBytes > maxBodyBytes;
  if (tooLarge && (request.signature === undefined || request.bodyBytes > LAMBDA_SYNC_PAYLOAD_BYTES)) {
    return { code: OUTCOME_CODE.PAYLOAD_TOO_LARGE };
  }
  return undefined;
}

/** One request through the checks, cheapest and least trusting first. */
async function decide(deps: ResolvedReceiverDependencies, request: NormalizedRequest): Promise<Decision> {
  const refusal = refuseUnread(request, deps.maxBodyBytes);
  if (refusal) return refusal;
  const raw = readRawBody(request);
  try {
    const check = await checkSignature(raw, request.signature, deps.amt);
    if (!check.matchedToken) {
      // Too large and not Smartcar's: refused as before, and never parsed.
      if (request.bodyBytes > deps.maxBodyBytes) return { code: OUTCOME_CODE.PAYLOAD_TOO_LARGE };
      return await decideUnsignedRequest(request, raw, check, deps.amt);
    }
    return { ...(await decideSignedRequest(deps, request, raw, check.matchedToken)), signed: true };
  } catch (error) {
    if (error instanceof SecretUnavailableError) return secretUnavailable(error);
    throw error;
  }
}

/**
 * Builds the receiver: verifies Smartcar's `SC-Signature` over the raw bytes, answers VERIFY
 * challenges, and persists every other signed, well-formed delivery to SQS before answering 200.
 * It never throws: every request ends in a response with a stable code, one log line, one
 * metrics line and one `onOutcome` call. It serves API Gateway (HTTP and REST APIs) and Lambda
 * Function URLs alike; the data and error callbacks are told apart by path.
 *
 * The pipeline, each step in a module of its own (types in `types.ts`, codes in `constants.ts`,
 * errors in `errors.ts`; `index.ts` wires it from `config.ts` and `clients.ts`):
 * 1. `request.ts`: the event reduced to method, path-based route, signature header and size;
 * 2. method (405), an empty body (400), and size (413) when no signature could vouch for the
 *    body, before a byte is decoded;
 * 3. `signature-check.ts`: the signature over the raw bytes, current AMT then previous, with at
 *    most one refetch a minute on a real mismatch; a secret that cannot be read is 503, never 401;
 * 4. signed (`signed-request.ts`): classified once (one JSON parse); a VERIFY is answered
 *    (`challenge.ts`), an event is persisted (`persist-delivery.ts`: one SendMessage) unless it
 *    is outside the replay window, and a body the queue cannot take is stored in the quarantine
 *    (also `persist-delivery.ts`) and answered 200 once stored;
 * 5. unsigned (`challenge.ts`): only a small body is parsed, only to find a VERIFY, which
 *    is answered when its challenge is an opaque token (the signing-oracle guard); else 401;
 * 6. `telemetry.ts` reports the decision and `request.ts` turns it into the response.
 *
 * @example
 * ```ts
 * const handler = createReceiverHandler({ queueUrl, sqs, amt: staticAmtProvider('amt'), quarantine, logger, metrics });
 * const result = await handler(event); // { statusCode: 200, body: '{"status":"accepted"}', ... }
 * ```
 */
export function createReceiverHandler(dependencies: ReceiverDependencies): ReceiverHandler {
  const deps: ResolvedReceiverDependencies = {
    ...dependencies,
    now: dependencies.now ?? Date.now,
    maxBodyBytes: dependencies.maxBodyBytes ?? PIPELINE_DEFAULTS.maxBodyBytes,
    errorCallbackPath: dependencies.errorCallbackPath ?? ROUTES.ERROR_PATH,
    deliveryToleranceSeconds: dependencies.deliveryToleranceSeconds ?? PIPELINE_DEFAULTS.deliveryToleranceSeconds,
  };

  // The Lambda context is accepted (the runtime passes it) but not needed: nothing here depends
  // on the remaining time, and its ids would only lengthen the one log line.
  return async function receiverHandler(event: ReceiverEvent, _context?: Context): Promise<ReceiverResult> {
    const startedAt = deps.now();
    let request: NormalizedRequest | undefined;
    let decision: Decision;
    try {
      request = normalizeRequest(event, deps.errorCallbackPath);
      decision = await decide(deps, request);
    } catch (error) {
      // A bug, not a dependency: 500 with the error's name only (its message may quote input).
      decision = { code: OUTCOME_CODE.INTERNAL_ERROR, details: { error: (error as Error)?.name ?? 'unknown' } };
    }
    reportDecision(deps, decision, request, deps.now() - startedAt);
    return responseFor(decision);
  };
}
