import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LoopbackListener {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Destroys every open connection (kept-alive ones and half-answered streams too), then closes the server. */
  close(): Promise<void>;
}

/**
 * Listens on a free loopback port and keeps track of the server's connections, so that closing it never waits for
 * a client's keep-alive socket or a stream a test left open.
 */
export async function listenOnLoopback(server: Server): Promise<LoopbackListener> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
