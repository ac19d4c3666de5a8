/**
 * `--json` output of the CLIs (`send`, `dlq`, `replay`, `smoke`): NDJSON, one JSON object per
 * line as things happen, each with a `type` (`delivery`, `message`, `record`, `step`, ...), then
 * one `{"type":"summary",...}` line last. A script reads it line by line (`jq -c`, `JSON.parse`
 * per line) and can rely on the summary being the final line. Nothing else goes to stdout in
 * this mode; errors still go to stderr with the usual exit codes.
 *
 * @example
 * ```ts
 * const out = ndjson((text) => process.stdout.write(text));
 * out.line('delivery', { eventId: 'e1', status: 200 });
 * out.summary({ sent: 1, ok: true });
 * // {"type":"delivery","eventId":"e1","status":200}
 * // {"type":"summary","sent":1,"ok":true}
 * ```
 */
export function ndjson(write: (text: string) => void): NdjsonOutput {
  return {
    line: (type, fields) => write(`${JSON.stringify({ type, ...fields })}\n`),
    summary: (fields) => write(`${JSON.stringify({ type: 'summary', ...fields })}\n`),
  };
}

/** What {@link ndjson} returns. */
export interface NdjsonOutput {
  /** One object of the stream, e.g. `line('delivery', { eventId, status })`. */
  line(type: string, fields: object): void;
  /** The last line. */
  summary(fields: object): void;
}

/**
 * Parses NDJSON text back into objects (the tests', and any TypeScript caller's, reader).
 *
 * @example
 * ```ts
 * const lines = parseNdjson(stdout); lines.at(-1)?.type; // 'summary'
 * ```
 */
export function parseNdjson(text: string): Array<Record<string, unknown> & { type: string }> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown> & { type: string });
}
