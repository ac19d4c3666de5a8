import { vi } from 'vitest';

/** The prefix `@smithy/node-http-handler` puts on its warnings (`requestTimeout` passed, sockets at capacity). */
export const SDK_HTTP_WARNING = '@smithy/node-http-handler - [WARN]';

/** Everything written while a capture is active. */
export interface CapturedOutput {
  /** Lines written to stdout and stderr, and lines passed to `console.*`. */
  lines(): string[];
  /** The JSON lines (Powertools logs and EMF), parsed. */
  json(): Array<Record<string, unknown>>;
  /** Lines holding an SDK HTTP handler warning ({@link SDK_HTTP_WARNING}). */
  sdkWarnings(): string[];
}

/**
 * Captures (and silences) `process.stdout`, `process.stderr` and every `console` method: the SDK
 * warns through `console.warn` unless a client logger is set, and vitest routes `console` around
 * the streams. Undone by `vi.restoreAllMocks()`.
 *
 * @example
 * ```ts
 * const output = captureOutput();
 * await handler(event);
 * expect(output.sdkWarnings()).toEqual([]);
 * ```
 */
export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    rest.find((arg): arg is () => void => typeof arg === 'function')?.();
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(write as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(write as typeof process.stderr.write);
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      chunks.push(`${args.map(String).join(' ')}\n`);
    });
  }
  const lines = (): string[] => chunks.join('').split('\n').filter(Boolean);
  return {
    lines,
    json: () =>
      lines()
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    sdkWarnings: () => lines().filter((line) => line.includes(SDK_HTTP_WARNING)),
  };
}
