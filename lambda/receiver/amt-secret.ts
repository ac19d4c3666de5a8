import { readAmtSecret } from '../core/amt-secret.ts';
import { AmtNotConfiguredError } from './errors.ts';
import type { AmtTokens } from './types/amt.ts';

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
