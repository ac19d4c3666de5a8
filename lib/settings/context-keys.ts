/**
 * Which context keys are CDK's own, and which known key a mistyped one meant. The app reads the
 * whole context to refuse keys it does not know (a typo such as `-c maxRecieveCount=5` would
 * otherwise be ignored silently), so it must leave alone everything the CDK CLI, `cdk.json` and
 * `cdk.context.json` put there for themselves.
 */

/** Prefixes of CDK's own keys: feature flags (`@aws-cdk/...`), CLI and toolkit keys. */
const CDK_KEY_PREFIXES = ['@', 'aws:', 'aws-cdk:', 'cdk-', 'cdk:'] as const;

/** CDK's own keys without one of those prefixes. */
const CDK_KEYS: ReadonlySet<string> = new Set(['acknowledged-issue-numbers', 'cli-telemetry']);

/**
 * True for a key the CDK sets or reads itself: a feature flag, a CLI or toolkit key, or a cached
 * context lookup (`availability-zones:account=...:region=...`: every lookup key has a colon).
 *
 * @example
 * ```ts
 * isCdkOwnKey('@aws-cdk/core:validateAgainstDefaultRules'); // true
 * isCdkOwnKey('maxRecieveCount'); // false
 * ```
 */
export function isCdkOwnKey(key: string): boolean {
  return CDK_KEYS.has(key) || key.includes(':') || CDK_KEY_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/**
 * The known key closest to `key` (Levenshtein distance, ignoring case), for "did you mean".
 *
 * @example
 * ```ts
 * nearestKey('ingres', ['ingress', 'stage']); // 'ingress'
 * ```
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = levenshtein(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Edits (insert, delete, substitute) between two strings; one row of the table at a time. */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      // Indexes stay inside the rows, so `?? 0` never applies; it spares a non-null assertion.
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
