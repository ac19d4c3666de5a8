import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { listenOnLoopback } from './loopback.ts';

/** What a stub answers to one request. */
export interface AwsJsonAnswer {
  status: number;
  body: object;
  /** Sent as `x-amzn-errortype`, which the SDK turns into the error's name. */
  errorType?: string;
}

/**
 * Starts an HTTP server on 127.0.0.1 (a free port) that speaks the AWS JSON 1.1 protocol: each
 * request's `X-Amz-Target` and parsed JSON body go to `handle`, whose answer is sent as
 * `application/x-amz-json-1.1`. The stubs in this folder build on it.
 *
 * @example
 * ```ts
 * const { server, url } = await startAwsJsonStub((target) => ({ status: 200, body: { target } }));
 * ```
 */
export async function startAwsJsonStub(
  handle: (target: string | undefined, input: Record<string, unknown>, headers: IncomingHttpHeaders) => AwsJsonAnswer,
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const { status, body, errorType } = handle(
        request.headers['x-amz-target'] as string | undefined,
        input,
        request.headers,
      );
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      response.end(JSON.stringify(body));
    });
  });
  const port = await listenOnLoopback(server);
  return { server, url: `http://127.0.0.1:${port}` };
}
