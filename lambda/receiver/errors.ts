/**
 * The AMT secret exists as a setting but holds no usable token: unset, empty, the stack's
 * placeholder, malformed JSON, or a missing secret. A configuration problem, answered with 503
 * (Smartcar retries) and logged as such, never reported as a bad signature.
 */
export class AmtNotConfiguredError extends Error {
  public constructor(reason: string, options?: ErrorOptions) {
    super(`AMT secret is not configured: ${reason}`, options);
    this.name = 'AmtNotConfiguredError';
  }
}

/** Secrets Manager could not be read (throttling, network, permissions). Transient: 503. */
export class AmtUnavailableError extends Error {
  public constructor(options?: ErrorOptions) {
    super('AMT secret could not be read', options);
    this.name = 'AmtUnavailableError';
  }
}

/** A required environment variable is missing or a number is out of range; thrown at init. */
export class ReceiverConfigError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ReceiverConfigError';
  }
}
