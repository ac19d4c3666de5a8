/**
 * Base error of the idempotency module: every error it raises on purpose extends it.
 *
 * @example
 * ```ts
 * if (error instanceof IdempotencyError) logger.warn('idempotency', { error: error.name });
 * ```
 */
export class IdempotencyError extends Error {
  public constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IdempotencyError';
  }
}

/**
 * Another copy of the event holds the key and its invocation may still be running: this copy is
 * failed so SQS delivers it again later, when the other copy has either completed (this one is
 * then a duplicate) or been abandoned (this one then runs).
 *
 * @example
 * ```ts
 * throw new EventInFlightError('2f1c...');
 * ```
 */
export class EventInFlightError extends IdempotencyError {
  public constructor(key: string, options?: ErrorOptions) {
    super(`Another copy of ${key} is in flight`, options);
    this.name = 'EventInFlightError';
  }
}
