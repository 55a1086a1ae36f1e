import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import type { AppState, Envelope, EventChannel, EventPayload } from '../../../src/shared/ipc/index.js';

/**
 * The TEST BRIDGE's server half: plays the part of Electron's IPC for the renderer under test. It serves the built
 * renderer (so the page's CSP 'self' covers the bridge too), forwards POST /bridge/invoke to the app service, and
 * streams the service's events to the page over server-sent events. Loopback only.
 */
export interface BridgedService {
  /** Validates channel and request itself (as main does for IPC) and never throws. */
  invoke(channel: unknown, request: unknown): Promise<Envelope<AppState>>;
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
}

export interface Bridge {
  readonly url: string;
  /** Every invoke the page made, in order: the test can check what the UI asked for. */
  readonly calls: ReadonlyArray<{ channel: unknown }>;
  close(): Promise<void>;
}

const EVENT_CHANNELS: readonly EventChannel[] = ['state:changed', 'screenshot:taken', 'policy:changed', 'idle:prompt'];
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };
/** Far above any valid request (the contract caps strings at a few KB); a bigger body is refused unread. */
const MAX_BODY_BYTES = 1024 * 1024;

export async function startBridge(service: BridgedService, rendererDir: string): Promise<Bridge> {
  const calls: { channel: unknown }[] = [];
  const streams = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://bridge').pathname;
    if (req.method === 'POST' && path === '/bridge/invoke') {
      const body = await readBody(req);
      if (body === null) return send(res, 413, 'application/json', JSON.stringify({ error: 'too large' }));
      let parsed: { channel?: unknown; request?: unknown } = {};
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        // A page that sends garbage gets what main would answer: an envelope with BAD_REQUEST from the service.
      }
      calls.push({ channel: parsed.channel });
      const answer = await service.invoke(parsed.channel, parsed.request);
      return send(res, 200, 'application/json', JSON.stringify(answer));
    }
    if (req.method === 'GET' && path === '/bridge/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': bridge\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (req.method === 'GET') {
      const file = path === '/' ? 'index.html' : path.slice(1);
      if (!/^[a-z-]+\.(html|js|css|map)$/.test(file) && !/^[a-z-]+\.js\.map$/.test(file)) return send(res, 404, 'text/plain', 'not found');
      try {
        return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(join(rendererDir, file)));
      } catch {
        return send(res, 404, 'text/plain', 'not found');
      }
    }
    send(res, 405, 'text/plain', 'method not allowed');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, 'text/plain', String(error)));
  });
  const unsubscribe = EVENT_CHANNELS.map((channel) =>
    service.on(channel, (payload) => {
      const frame = `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const stream of streams) stream.write(frame);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    async close() {
      for (const off of unsubscribe) off();
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
