/** What was written to stdout and stderr while a capture was active. */
export interface OutputCapture {
  /** Bytes written since the capture started (or was last reset). */
  bytes(): number;
  /** The lines written, when `keepLines` was set. */
  lines(): string[];
  reset(): void;
  /** Puts the real streams back. */
  restore(): void;
}

/**
 * Swallows everything written to `process.stdout` and `process.stderr` and counts its bytes.
 * Powertools Logger and Metrics write through a `Console` bound to these streams, so this sees
 * exactly the bytes Lambda would ship to CloudWatch Logs (less its own START/END/REPORT lines).
 *
 * @example
 * ```ts
 * const capture = captureOutput();
 * await handler(event);
 * capture.restore();
 * capture.bytes(); // log + EMF bytes of one request
 * ```
 */
export function captureOutput(options: { keepLines?: boolean } = {}): OutputCapture {
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  let bytes = 0;
  let lines: string[] = [];
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      if (options.keepLines) lines.push(...String(chunk).split('\n').filter(Boolean));
      // Callers (Console) may pass a callback; honour it so nothing waits forever.
      const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
      callback?.();
      return true;
    }) as typeof stream.write;
  }
  return {
    bytes: () => bytes,
    lines: () => lines,
    reset() {
      bytes = 0;
      lines = [];
    },
    restore() {
      streams.forEach((stream, i) => {
        stream.write = originals[i]!;
      });
    },
  };
}
