import { ALLOWED_METHOD, OUTCOME_CODE } from './constants.ts';
import type { Decision } from './types/decision.ts';
import type { ReceiverResult } from './types/handler.ts';
import type { OutcomeCode } from './types/outcome.ts';

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/**
 * Status of each outcome: one table, so a code never drifts from its status.
 *
 * @example
 * ```ts
 * OUTCOME_STATUS.enqueue_failed; // 503
 * ```
 */
export const OUTCOME_STATUS: Readonly<Record<OutcomeCode, number>> = {
  [OUTCOME_CODE.ENQUEUED]: 200,
  // 200: the body is stored (docs/quarantine.md). Any other answer would be retried with the same
  // body and refused again, then dropped by Smartcar.
  [OUTCOME_CODE.QUARANTINED]: 200,
  [OUTCOME_CODE.VERIFY_ANSWERED]: 200,
  [OUTCOME_CODE.CHALLENGE_REFUSED]: 400,
  [OUTCOME_CODE.BAD_REQUEST]: 400,
  [OUTCOME_CODE.NOT_JSON_OBJECT]: 400,
  [OUTCOME_CODE.MISSING_EVENT_TYPE]: 400,
  // 4xx, not 5xx: the request is authentic but too old (or too far ahead) to be a live attempt.
  // Smartcar retries 4xx too, and each retry carries a fresh deliveredAt.
  [OUTCOME_CODE.STALE_DELIVERY]: 400,
  [OUTCOME_CODE.SIGNATURE_INVALID]: 401,
  [OUTCOME_CODE.METHOD_NOT_ALLOWED]: 405,
  [OUTCOME_CODE.PAYLOAD_TOO_LARGE]: 413,
  [OUTCOME_CODE.INTERNAL_ERROR]: 500,
  // 503, not 502: the handler ran fine and a dependency is down, so "try again later" is the
  // honest answer; API Gateway's own 502 stays reserved for a crashed or misconfigured function.
  [OUTCOME_CODE.SECRET_UNAVAILABLE]: 503,
  [OUTCOME_CODE.ENQUEUE_FAILED]: 503,
  [OUTCOME_CODE.QUARANTINE_FAILED]: 503,
};

/**
 * The response for an outcome: its status and a small JSON body with the stable code
 * (`{"status":"accepted"}` for an enqueued event, `{"error":"<code>"}` for every refusal).
 * Never carries internal error text.
 *
 * @example
 * ```ts
 * respond('signature_invalid'); // { statusCode: 401, headers: {...}, body: '{"error":"signature_invalid"}' }
 * ```
 */
export function respond(code: Exclude<OutcomeCode, 'verify_answered'>): ReceiverResult {
  const statusCode = OUTCOME_STATUS[code];
  const body =
    code === OUTCOME_CODE.ENQUEUED || code === OUTCOME_CODE.QUARANTINED
      ? `{"status":"${code === OUTCOME_CODE.ENQUEUED ? 'accepted' : 'quarantined'}"}`
      : JSON.stringify({ error: code });
  const headers = code === OUTCOME_CODE.METHOD_NOT_ALLOWED ? { ...JSON_HEADERS, allow: ALLOWED_METHOD } : JSON_HEADERS;
  return { statusCode, headers: { ...headers }, body };
}

/**
 * The 200 answer to a VERIFY, with the `{"challenge": ...}` body already computed.
 *
 * @example
 * ```ts
 * verifyResponse(challengeAnswer(amt, challenge));
 * ```
 */
export function verifyResponse(body: string): ReceiverResult {
  return { statusCode: OUTCOME_STATUS[OUTCOME_CODE.VERIFY_ANSWERED], headers: { ...JSON_HEADERS }, body };
}

/**
 * The response a decision is answered with: a VERIFY answer's own, otherwise its code's.
 *
 * @example
 * ```ts
 * responseFor({ code: 'enqueued', eventType: 'VEHICLE_STATE' }); // { statusCode: 200, body: '{"status":"accepted"}', ... }
 * ```
 */
export function responseFor(decision: Decision): ReceiverResult {
  return decision.code === OUTCOME_CODE.VERIFY_ANSWERED ? decision.response : respond(decision.code);
}
