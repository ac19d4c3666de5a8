import { AMT_SECRET_PLACEHOLDER } from '../core/constants.ts';
import { AmtNotConfiguredError } from './errors.ts';
import type { AmtTokens } from './types/amt.ts';

function usable(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.trim() !== AMT_SECRET_PLACEHOLDER;
}

/**
 * Turns a secret value into the accepted tokens. The value is either the AMT itself or, during a
 * rotation, JSON `{"current": "...", "previous": "..."}`. Surrounding whitespace is dropped (a
 * token pasted from a file often ends with a newline; AMTs never contain whitespace).
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
  const text = value?.trim() ?? '';
  if (!usable(text)) throw new AmtNotConfiguredError('the secret value is empty or still the placeholder');
  if (!text.startsWith('{')) return { current: text };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message can quote the token, so it is not passed on.
    throw new AmtNotConfiguredError('the secret value starts with "{" but is not valid JSON');
  }
  const { current, previous } = (parsed ?? {}) as Record<string, unknown>;
  if (!usable(current)) throw new AmtNotConfiguredError('the JSON secret has no non-empty "current" string');
  const tokens: AmtTokens = { current: current.trim() };
  if (usable(previous) && previous.trim() !== tokens.current) tokens.previous = previous.trim();
  return tokens;
}
