/**
 * IAM wildcard matching: `*` matches any run of characters (colons and slashes included, as in
 * `Resource`), `?` exactly one; everything else is literal.
 *
 * @example
 * ```ts
 * matchesWildcard('dynamodb:Get*', 'dynamodb:GetItem'); // true
 * matchesWildcard('SQS:*', 'sqs:SendMessage', { ignoreCase: true }); // true
 * ```
 */
export function matchesWildcard(pattern: string, value: string, options: { ignoreCase?: boolean } = {}): boolean {
  const source = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's').test(value);
}

/**
 * `ArnLike` / `ArnEquals` matching: each of the six colon-separated parts is matched on its own
 * (so a `*` never spans a colon before the resource part), case-sensitively.
 *
 * @example
 * ```ts
 * matchesArn('arn:aws:cloudwatch:eu-west-1:123456789012:alarm:Stack-*',
 *   'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:Stack-Errors-1A2B'); // true
 * ```
 */
export function matchesArn(pattern: string, arn: string): boolean {
  const patternParts = splitArn(pattern);
  const arnParts = splitArn(arn);
  if (!patternParts || !arnParts) return pattern === arn;
  return patternParts.every((part, index) => matchesWildcard(part, arnParts[index]!));
}

/** The six parts of an ARN (the last keeps its colons), or undefined when it is not an ARN. */
function splitArn(value: string): string[] | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
