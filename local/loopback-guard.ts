import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Host names that can only mean this machine; `*.localhost` is loopback by RFC 6761 (queue URLs use it). */
const LOOPBACK_NAME = /^(127\.0\.0\.1|localhost|\[::1\]|[a-z0-9.-]+\.localhost)$/i;

/**
 * True when a request's `Host` header names this machine (`127.0.0.1`, `localhost`, `[::1]` or a
 * `*.localhost` name) on `port`, or on any port when `port` is omitted. A DNS-rebinding page
 * reaches loopback under its own host name, so it is refused here even though its packets
 * arrive on 127.0.0.1.
 *
 * @example
 * ```ts
 * isLoopbackHost('127.0.0.1:3000', 3000); // true
 * isLoopbackHost('evil.example:3000', 3000); // false
 * isLoopbackHost('localhost:41234'); // true
 * ```
 */
export function isLoopbackHost(host: string | undefined, port?: number): boolean {
  if (!host) return false;
  const match = /^(.*?)(?::(\d+))?$/.exec(host.trim());
  const name = match?.[1] ?? '';
  const hostPort = match?.[2] === undefined ? 80 : Number(match[2]);
  return LOOPBACK_NAME.test(name) && (port === undefined || hostPort === port);
}

/**
 * True when a request came from no browser page (no `Origin`), or from a page served by
 * `http://<loopback host>:port` itself.
 *
 * @example
 * ```ts
 * isSameLoopbackOrigin(undefined, 3000); // true: curl, the SDK, the CLIs
 * isSameLoopbackOrigin('https://evil.example', 3000); // false
 * ```
 */
export function isSameLoopbackOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && isLoopbackHost(url.host, port);
  } catch {
    return false;
  }
}

/**
 * Puts a guard in front of an emulator's HTTP server: a request whose `Host` is not a loopback
 * name, or that carries an `Origin` (only browsers send one; the SDK never does), gets 403
 * before the emulator sees it, and CORS headers the emulator sets (dynalite answers
 * `Access-Control-Allow-Origin: *`) are dropped. So a page on another origin can neither read
 * nor write the emulators. Any port is accepted in `Host`: the tests' fault proxies forward
 * requests with the Host they were sent to, and a rebinding page is refused by its name.
 *
 * @example
 * ```ts
 * guardEmulator(dynaliteServer); // after it listens
 * ```
 */
export function guardEmulator(server: Server): void {
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!isLoopbackHost(req.headers.host) || req.headers.origin !== undefined) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden: loopback clients only\n');
      return;
    }
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name, value) => (name.toLowerCase().startsWith('access-control-') ? res : setHeader(name, value));
    for (const handler of handlers) handler.call(server, req, res);
  });
}
