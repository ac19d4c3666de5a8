/**
 * Thrown when a CDK context value (`-c key=value` or `cdk.json`) is invalid. The message
 * names the key, what was expected and what was given, so `cdk synth` fails with a clear line.
 *
 * @example
 * ```ts
 * throw new ConfigError('batchSize', 'an integer from 1 to 10000', 'ten');
 * // Invalid context "batchSize": expected an integer from 1 to 10000, got "ten"
 * ```
 */
export class ConfigError extends Error {
  /** The context key that was rejected. */
  public readonly key: string;

  public constructor(key: string, expected: string, received: unknown, options?: ErrorOptions) {
    super(`Invalid context "${key}": expected ${expected}, got ${JSON.stringify(received)}`, options);
    this.name = 'ConfigError';
    this.key = key;
  }
}

/**
 * Thrown for a context key the settings table does not have (and CDK does not own): a typo that
 * would otherwise be ignored. The message names the nearest known key.
 *
 * @example
 * ```ts
 * throw new UnknownContextKeyError('maxRecieveCount', 'maxReceiveCount');
 * // Unknown context key "maxRecieveCount": did you mean "maxReceiveCount"? ...
 * ```
 */
export class UnknownContextKeyError extends ConfigError {
  /** The known key closest to the one given. */
  public readonly nearest: string | undefined;

  public constructor(key: string, nearest: string | undefined) {
    super(key, 'a known key', key);
    this.name = 'UnknownContextKeyError';
    this.nearest = nearest;
    this.message = `Unknown context key "${key}"${nearest ? `: did you mean "${nearest}"?` : ''} (docs/configuration.md lists every key)`;
  }
}

/**
 * Thrown when a construct's props contradict each other (checked first, before any resource is
 * made), so `cdk synth` stops with one line naming the prop.
 *
 * @example
 * ```ts
 * throw new InvalidPropsError('vehicleStateStore', 'false needs a processorEntry that keeps no vehicle state');
 * ```
 */
export class InvalidPropsError extends Error {
  /** The prop to change. */
  public readonly prop: string;

  public constructor(prop: string, problem: string, options?: ErrorOptions) {
    super(`Invalid props "${prop}": ${problem}`, options);
    this.name = 'InvalidPropsError';
    this.prop = prop;
  }
}
