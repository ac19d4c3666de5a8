/**
 * The receiver's base error: every error this module throws is one, so a caller can tell the
 * receiver's own failures from the SDK's or the runtime's with one `instanceof`.
 *
 * @example
 * ```ts
 * try { loadReceiverConfig(process.env); } catch (error) { if (error instanceof ReceiverError) console.error(error.message); }
 * ```
 */
export class ReceiverError extends Error {
  public constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReceiverError';
  }
}

/**
 * The AMT secret exists as a setting but holds no usable token: unset, empty, the stack's
 * placeholder, malformed JSON, or a missing secret. A configuration problem, answered with 503
 * (Smartcar retries) and logged as such, never reported as a bad signature.
 *
 * @example
 * ```ts
 * throw new AmtNotConfiguredError('the secret value is empty or still the placeholder');
 * ```
 */
export class AmtNotConfiguredError extends ReceiverError {
  public constructor(reason: string, options?: ErrorOptions) {
    super(`AMT secret is not configured: ${reason}`, options);
    this.name = 'AmtNotConfiguredError';
  }
}

/**
 * Secrets Manager could not be read (throttling, network, permissions). Transient: 503.
 *
 * @example
 * ```ts
 * throw new AmtUnavailableError({ cause: sdkError });
 * ```
 */
export class AmtUnavailableError extends ReceiverError {
  public constructor(options?: ErrorOptions) {
    super('AMT secret could not be read', options);
    this.name = 'AmtUnavailableError';
  }
}

/**
 * The AMT was needed to decide a request and could not be had: its `cause` is what the
 * `AmtProvider` threw. Raised by the signature check and caught by the pipeline, which
 * answers 503 `secret_unavailable`, never 401: a rotated AMT we cannot read is not a forgery.
 *
 * @example
 * ```ts
 * throw new SecretUnavailableError({ cause: new AmtNotConfiguredError('the secret value is empty') });
 * ```
 */
export class SecretUnavailableError extends ReceiverError {
  public constructor(options?: ErrorOptions) {
    super('secret unavailable', options);
    this.name = 'SecretUnavailableError';
  }
}

/**
 * A required environment variable is missing or a number is out of range; thrown at init.
 *
 * @example
 * ```ts
 * throw new ReceiverConfigError('Environment variable QUEUE_URL is required by the receiver');
 * ```
 */
export class ReceiverConfigError extends ReceiverError {
  public constructor(message: string) {
    super(message);
    this.name = 'ReceiverConfigError';
  }
}

/**
 * SQS answered `SendMessage` without a MessageId: nothing says the delivery was stored, so it is
 * answered 503 (`enqueue_failed`) and Smartcar retries.
 *
 * @example
 * ```ts
 * if (!result.MessageId) throw new EnqueueUnconfirmedError();
 * ```
 */
export class EnqueueUnconfirmedError extends ReceiverError {
  public constructor() {
    super('SQS SendMessage returned no MessageId');
    this.name = 'EnqueueUnconfirmedError';
  }
}
