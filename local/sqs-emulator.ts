import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from 'fauxqs';
import { LOCAL_ADDRESS } from './api/constants.ts';
import { guardEmulator } from './loopback-guard.ts';
import type { SqsEmulator } from './types.ts';

/**
 * Starts the SQS emulator (fauxqs) in the calling thread, listening on loopback only.
 *
 * `startFauxqs()` always binds 0.0.0.0, so this builds fauxqs' app and listens on `host`
 * itself. The emulator can be stopped and started again on the same port with its queues and
 * messages intact, which is how tests simulate an SQS outage. Requests from a browser page or
 * under a foreign `Host` get 403 (`guardEmulator`).
 *
 * @example
 * ```ts
 * const emulator = await startSqsEmulator();
 * await emulator.stop();   // connections refused from now on
 * await emulator.start();  // same port, same messages
 * await emulator.close();
 * ```
 */
export async function startSqsEmulator(options: { port?: number; host?: string } = {}): Promise<SqsEmulator> {
  const host = options.host ?? LOCAL_ADDRESS.host;
  const app = buildApp({ logger: false });
  await app.listen({ port: options.port ?? 0, host });
  const server: Server = app.server;
  // Loopback Hosts only, and no browser page (no Origin) of any site.
  guardEmulator(server);
  const port = (server.address() as AddressInfo).port;
  let running = true;

  return {
    endpoint: `http://${host}:${port}`,
    port,
    get running() {
      return running;
    },
    async stop() {
      if (!running) return;
      running = false;
      // Drop open connections (long polls included) so clients see the outage at once.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    async start() {
      if (running) return;
      // `once` rejects if the server emits 'error' (a port taken meanwhile) before 'listening'.
      await once(server.listen(port, host), 'listening');
      running = true;
    },
    async close() {
      running = false;
      // Fastify's close also cancels the queues' pending long polls.
      if (server.listening) server.closeAllConnections();
      await app.close();
    },
  };
}
