import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../../support/loopback.js';

/**
 * An HTTP proxy for tests that sits between the agent and the real server and misbehaves on purpose, one chosen
 * fault per request. Faults that forward first (`*-after`, `reset-mid-body`, `truncated-json`, `latency`) let the
 * server do the work and then lose or spoil the answer: exactly the case where a careless retry duplicates.
 */
export const FAULTS = [
  'pass',
  'drop-before', // connection closed before anything reached the server
  'drop-after', // the server did the work; the connection closes without an answer
  'reset-mid-body', // the answer starts, then a TCP reset in the middle of its body
  'status-500',
  'status-503',
  'status-429',
  'after-500', // the server did the work, the agent hears 500
  'latency', // three seconds before the request goes on (longer than the agent's timeout in the tests)
  'truncated-json', // the server's answer cut in half, sent as a complete 200
  'malformed-json', // a 200 whose body is not JSON at all
  'html-502', // a reverse proxy's HTML error page
  'unauthorized', // 401 in the API's error shape
  'refuse-422', // a refusal in the API's shape (INVALID_IMAGE), as the server sends one that parks an item
  'bare-404', // a 404 page from something that is not the API (a proxy, a wrong base URL): no error code
] as const;
export type Fault = (typeof FAULTS)[number];

/** Faults that are answers a request gets for good (they park it), not network or server trouble. */
export const REFUSALS: readonly Fault[] = ['unauthorized', 'refuse-422', 'bare-404'];

export interface FaultProxy {
  readonly url: string;
  /** Faults applied so far, by kind. */
  readonly counts: Record<Fault, number>;
  /** Chooses the fault of each request (method and path given); default: always 'pass'. */
  setChooser(choose: (method: string, path: string) => Fault): void;
  close(): Promise<void>;
}

export const LATENCY_MS = 3_000;

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const counts = Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<Fault, number>;
  let choose: (method: string, path: string) => Fault = () => 'pass';

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const upstreamRequest = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host, connection: 'close' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    // The SSE stream is long-lived and never faulted here: the policy tests cover it on their own.
    const fault = req.url?.endsWith('/policy/stream') ? 'pass' : choose(req.method ?? 'GET', req.url ?? '/');
    counts[fault] += 1;
    const socket = req.socket;
    const reply = (status: number, text: string, type = 'application/json', extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...extra });
      res.end(text);
    };
    const apiError = (code: string) => JSON.stringify({ error: { code, message: `injected ${code}` } });
    switch (fault) {
      case 'drop-before':
        socket.destroy();
        return;
      case 'status-500':
        return reply(500, apiError('INTERNAL'));
      case 'status-503':
        return reply(503, apiError('INTERNAL'));
      case 'status-429':
        return reply(429, apiError('RATE_LIMITED'), 'application/json', { 'retry-after': '1' });
      case 'html-502':
        return reply(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
      case 'malformed-json':
        return reply(200, '{"id": "01', 'application/json');
      case 'unauthorized':
        return reply(401, apiError('UNAUTHENTICATED'));
      case 'refuse-422':
        return reply(422, apiError('INVALID_IMAGE'));
      case 'bare-404':
        return reply(404, '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>', 'text/html');
      default:
        break;
    }
    if (fault === 'latency') await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
    const answer = await forward(req, body);
    if (socket.destroyed) return; // the agent gave up waiting (its timeout): the server still did the work
    switch (fault) {
      case 'drop-after':
        socket.destroy();
        return;
      case 'after-500':
        return reply(500, apiError('INTERNAL'));
      case 'truncated-json': {
        const half = answer.body.subarray(0, Math.floor(answer.body.length / 2));
        res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': half.length });
        res.end(half);
        return;
      }
      case 'reset-mid-body': {
        // Promise the whole body, send half, then reset the connection.
        res.writeHead(answer.status, { 'content-type': String(answer.headers['content-type'] ?? 'application/json'), 'content-length': answer.body.length });
        res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)), () => socket.resetAndDestroy());
        return;
      }
      default: {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (typeof value === 'string' && !['connection', 'transfer-encoding', 'keep-alive'].includes(name)) headers[name] = value;
        }
        res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
        res.end(answer.body);
      }
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => req.socket.destroy());
    });
  });
  const listener = await listenOnLoopback(server);
  return {
    url: listener.url,
    counts,
    setChooser(next) {
      choose = next;
    },
    close: () => listener.close(),
  };
}
