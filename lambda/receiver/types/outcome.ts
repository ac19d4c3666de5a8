import type { RouteKind } from '../../core/constants.ts';
import type { OUTCOME_CODE } from '../constants.ts';

/**
 * One of the stable outcome codes in `OUTCOME_CODE`.
 *
 * @example
 * ```ts
 * const code: OutcomeCode = 'signature_invalid';
 * ```
 */
export type OutcomeCode = (typeof OUTCOME_CODE)[keyof typeof OUTCOME_CODE];

/**
 * Outcome of one request, reported to an optional observer (the local pipeline's live stats).
 *
 * @example
 * ```ts
 * const onOutcome = (outcome: ReceiverOutcome) => stats.count(outcome.code, outcome.route);
 * ```
 */
export interface ReceiverOutcome {
  statusCode: number;
  /** Stable outcome code, e.g. `enqueued`, `verify_answered`, `signature_invalid` (`OUTCOME_CODE`). */
  code: OutcomeCode;
  eventType?: string;
  eventId?: string;
  enqueued: boolean;
  /**
   * The `SC-Signature` matched an AMT (current or previous) before the outcome was decided: the
   * request came from Smartcar, so a 4xx refuses a real delivery (`SignedDeliveryRefused`).
   */
  signed: boolean;
  /** Which callback route the request came in on. */
  route: RouteKind;
  /** Size of the raw body in bytes (0 when it was not read, e.g. a 405). */
  bodyBytes: number;
}

/**
 * Extra, safe fields for the request's log line: ids, sizes, hashes and error names. Never the
 * AMT, a signature, or the body.
 *
 * @example
 * ```ts
 * const details: LogDetails = { deliveryId: 'dlv-1', messageId: 'm-1' };
 * ```
 */
export type LogDetails = Record<string, string | number | boolean | string[] | undefined>;
