import { computeSignature } from '../core/signature.ts';
import { OPAQUE_CHALLENGE_PATTERN } from './constants.ts';

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
 * keyed with the current AMT over the challenge exactly as received.
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
