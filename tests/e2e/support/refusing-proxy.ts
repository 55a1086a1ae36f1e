import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy between the app and the real server that passes everything through, streams included
 * (the policy's server-sent events), except the requests a test asks it to refuse: those get the refusal it was
 * given, in the API's error shape, and never reach the server. It also keeps a log of what the app heard.
 */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** True when the proxy answered itself instead of the server. */
  readonly refusedByProxy: boolean;
}

export interface RefusingProxy {
  readonly url: string;
  /** Every request the app made through the proxy, with the status it got back, in order. */
  readonly exchanges: readonly Exchange[];
  /** The next request that `matches` is answered with `refusal` instead of going to the server. */
  refuseNext(matches: (method: string, path: string) => boolean, refusal: Refusal): void;
  /** Keeps the body of every answer passed through for a request that `matches`: what the app received, byte for byte. */
  recordBodies(matches: (method: string, path: string) => boolean): void;
  /** The bodies kept, in order, with the request's path. */
  readonly bodies: readonly { readonly path: string; readonly bytes: Buffer }[];
  close(): Promise<void>;
}

export async function startRefusingProxy(upstream: string): Promise<RefusingProxy> {
  const target = new URL(upstream);
  const exchanges: Exchange[] = [];
  let pending: { matches: (method: string, path: string) => boolean; refusal: Refusal } | null = null;
  let recording: ((method: string, path: string) => boolean) | null = null;
  const bodies: { path: string; bytes: Buffer }[] = [];

  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    if (pending?.matches(method, path)) {
      const { refusal } = pending;
      pending = null;
      exchanges.push({ method, path, status: refusal.status, refusedByProxy: true });
      req.resume(); // read and drop the body, as a server that refuses it would
      const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
      res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, method, path, headers: { ...req.headers, host: target.host } },
      (answer) => {
        exchanges.push({ method, path, status: answer.statusCode ?? 502, refusedByProxy: false });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (recording?.(method, path)) {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => bodies.push({ path, bytes: Buffer.concat(chunks) }));
        }
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    // A stream the app closes (or a proxy that closes) must not keep the server's side open.
    res.on('close', () => forwarded.destroy());
    req.pipe(forwarded);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    refuseNext(matches, refusal) {
      pending = { matches, refusal };
    },
    recordBodies(matches) {
      recording = matches;
    },
    bodies,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
