import { AMT_SECRET_PLACEHOLDER } from './constants.ts';

/**
 * The AMT(s) currently accepted: `current`, and `previous` during a rotation window.
 *
 * @example
 * ```ts
 * const tokens: AmtTokens = { current: 'new-amt', previous: 'old-amt' };
 * ```
 */
export interface AmtTokens {
  current: string;
  previous?: string;
}

/** What {@link readAmtSecret} found: the tokens, or why the value holds none (never quoting it). */
export type AmtSecretReading = { tokens: AmtTokens } | { problem: string };

function usable(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.trim() !== AMT_SECRET_PLACEHOLDER;
}

/**
 * The format of the AMT secret, read by the receiver and by `npm run smoke --stack`: the value is
 * either the AMT itself or, during a rotation, JSON `{"current": "...", "previous": "..."}`.
 * Surrounding whitespace is dropped (a token pasted from a file often ends with a newline; AMTs
 * never contain whitespace). Each caller turns a `problem` into its own error.
 *
 * @example
 * ```ts
 * readAmtSecret('amt-1'); // { tokens: { current: 'amt-1' } }
 * readAmtSecret('{"current":"amt-2","previous":"amt-1"}'); // { tokens: { current: 'amt-2', previous: 'amt-1' } }
 * readAmtSecret(''); // { problem: 'the secret value is empty or still the placeholder' }
 * ```
 */
export function readAmtSecret(value: string | undefined): AmtSecretReading {
  const text = value?.trim() ?? '';
  if (!usable(text)) return { problem: 'the secret value is empty or still the placeholder' };
  if (!text.startsWith('{')) return { tokens: { current: text } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message can quote the token, so it is not passed on.
    return { problem: 'the secret value starts with "{" but is not valid JSON' };
  }
  const { current, previous } = (parsed ?? {}) as Record<string, unknown>;
  if (!usable(current)) return { problem: 'the JSON secret has no non-empty "current" string' };
  const tokens: AmtTokens = { current: current.trim() };
  if (usable(previous) && previous.trim() !== tokens.current) tokens.previous = previous.trim();
  return { tokens };
}
