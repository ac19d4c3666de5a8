import type { AddressInfo, Server } from 'node:net';

/**
 * Starts `server` listening on 127.0.0.1 on a free port (never all interfaces) and resolves to
 * that port. Works for `net` and `http` servers alike.
 *
 * @example
 * ```ts
 * const port = await listenOnLoopback(createServer(handler));
 * ```
 */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
