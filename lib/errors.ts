/**
 * Thrown when a CDK context value (`-c key=value` or `cdk.json`) is invalid. The message
 * names the key, what was expected and what was given, so `cdk synth` fails with a clear line.
 */
export class ConfigError extends Error {
  /** The context key that was rejected. */
  public readonly key: string;

  public constructor(key: string, expected: string, received: unknown) {
    super(`Invalid context "${key}": expected ${expected}, got ${JSON.stringify(received)}`);
    this.name = 'ConfigError';
    this.key = key;
  }
}
