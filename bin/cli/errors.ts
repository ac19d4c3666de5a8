/**
 * A smoke-test step could not be carried out (the stack's secret or table cannot be read, the
 * local pipeline stopped answering). The message says what to check; it never holds the AMT.
 *
 * @example
 * ```ts
 * throw new SmokeError(`The idempotency table ${table} does not exist in ${region}`, { cause: error });
 * ```
 */
export class SmokeError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SmokeError';
  }
}
