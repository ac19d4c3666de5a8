/**
 * The commands' one base error: the command prints its message (never the AMT) and exits with
 * its `exitCode`.
 *
 * @example
 * ```ts
 * if (error instanceof CliError) process.exitCode = error.exitCode;
 * ```
 */
export class CliError extends Error {
  /** The process exit code the command ends with. */
  readonly exitCode: number = 1;
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
  }
}

/**
 * A mistake in the command line: the CLI prints the message and its usage, and exits 2.
 *
 * @example
 * ```ts
 * throw new UsageError('--count must be a positive integer');
 * ```
 */
export class UsageError extends CliError {
  override readonly exitCode = 2;
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/**
 * A smoke-test step could not be carried out (the stack's secret or table cannot be read, the
 * local pipeline stopped answering). The message says what to check; it never holds the AMT.
 *
 * @example
 * ```ts
 * throw new SmokeError(`The idempotency table ${table} does not exist in ${region}`, { cause: error });
 * ```
 */
export class SmokeError extends CliError {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SmokeError';
  }
}
