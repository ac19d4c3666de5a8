import type { OUTCOME_CODE } from '../constants.ts';
import type { ReceiverResult } from './handler.ts';
import type { LogDetails, OutcomeCode } from './outcome.ts';

/**
 * What every decision may carry besides its code.
 *
 * @example
 * ```ts
 * const fields: DecisionFields = { eventType: 'VEHICLE_STATE', eventId: 'evt-1', details: { deliveryId: 'dlv-1' } };
 * ```
 */
export interface DecisionFields {
  eventType?: string;
  eventId?: string;
  /** Set by the pipeline when the signature matched; see `ReceiverOutcome.signed`. */
  signed?: boolean;
  details?: LogDetails;
  /** Accepted without an age check (no readable `meta.deliveredAt`): counted as `DeliveryAgeUnchecked`. */
  ageUnchecked?: boolean;
}

/**
 * How one request ended, before it is answered and reported. Each step of the pipeline returns
 * one. Only a VERIFY answer carries its own response; every other outcome's response follows from
 * its code (`respond`), so a code can never be answered with the wrong status.
 *
 * @example
 * ```ts
 * const refused: Decision = { code: 'signature_invalid', details: { signatureCheck: 'missing' } };
 * const answered: Decision = { code: 'verify_answered', response: verifyResponse(body), eventType: 'VERIFY' };
 * ```
 */
export type Decision =
  | (DecisionFields & { code: typeof OUTCOME_CODE.VERIFY_ANSWERED; response: ReceiverResult })
  | (DecisionFields & { code: Exclude<OutcomeCode, typeof OUTCOME_CODE.VERIFY_ANSWERED> });
