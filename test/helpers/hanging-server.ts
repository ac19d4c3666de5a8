import { createServer, type Socket } from 'node:net';
import { listenOnLoopback } from './loopback.ts';

/** A loopback TCP server that accepts every connection and never answers. */
export interface HangingServer {
  /** `http://127.0.0.1:<port>`, to use as an SDK endpoint. */
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far (each SDK attempt that times out opens a new one). */
  readonly connections: number;
  /** Destroys the open connections and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 (a free port) that accepts connections, reads and discards what
 * arrives, and never writes a byte: the endpoint that passed the connection timeout and hangs,
 * which only the request timeout can end.
 *
 * @example
 * ```ts
 * const hanging = await startHangingServer();
 * afterEach(() => hanging.close());
 * const sqs = createReceiverSqsClient({ endpoint: hanging.url });
 * ```
 */
export async function startHangingServer(): Promise<HangingServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that gives up resets the connection; that is the point, not a failure.
    socket.on('error', () => undefined);
    // Read and drop, so a client's write never waits on a full buffer.
    socket.resume();
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
