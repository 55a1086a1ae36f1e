import { connect, type Socket } from 'node:net';

/**
 * HTTP/1.1 written byte for byte on a fresh socket, for requests no well-behaved client would send:
 * duplicated or malformed headers, a Content-Length that lies, a body cut short, raw bytes in the
 * request line. fetch() normalises all of that away, so the bad-input corpus speaks HTTP itself.
 */
export interface RawRequest {
  readonly method: string;
  /** The request target exactly as it goes on the wire (path and query, already encoded or not). */
  readonly target: string;
  /** In order, duplicates allowed; values are written as given (latin1 or raw UTF-8 bytes). */
  readonly headers: ReadonlyArray<readonly [string, string | Buffer]>;
  readonly body?: Buffer;
  /** Content-Length to declare; default: the body's length when there is a body. null: none at all. */
  readonly contentLength?: number | string | null;
  /**
   * End the sending side right after the request: how a client that died mid-body looks to the server.
   * Node's server then drops the request, so such a case usually gets no answer at all (status 0).
   */
  readonly halfClose?: boolean;
}

export interface RawResponse {
  /** 0 when the server closed the connection without answering. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The JSON body, when the answer said it was JSON and it parsed; undefined otherwise. */
  readonly json: unknown;
}

/** Serialises a request; exported so a failing case can be printed as it was sent. */
export function encodeRequest(request: RawRequest): Buffer {
  const head: Buffer[] = [Buffer.from(`${request.method} ${request.target} HTTP/1.1\r\n`, 'latin1')];
  const names = new Set(request.headers.map(([name]) => name.toLowerCase()));
  if (!names.has('host')) head.push(Buffer.from('host: 127.0.0.1\r\n'));
  if (!names.has('connection')) head.push(Buffer.from('connection: close\r\n'));
  const declared = request.contentLength === undefined ? request.body?.length : request.contentLength;
  if (declared !== undefined && declared !== null && !names.has('content-length')) head.push(Buffer.from(`content-length: ${declared}\r\n`));
  for (const [name, value] of request.headers) {
    head.push(Buffer.from(`${name}: `, 'latin1'), typeof value === 'string' ? Buffer.from(value, 'latin1') : value, Buffer.from('\r\n'));
  }
  head.push(Buffer.from('\r\n'));
  return Buffer.concat([...head, request.body ?? Buffer.alloc(0)]);
}

/** The host to connect to: an IPv6 literal without its URL brackets. */
const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

function parseHead(head: string): { status: number; headers: Record<string, string> } {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers };
}

function decodeChunked(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * Sends `request` to `baseUrl` and reads the answer until the server closes the connection (every
 * request says `connection: close`). An event stream is cut as soon as its head arrives. Resolves with
 * status 0 when the server hung up without a word; rejects only when nothing at all happened within
 * `timeoutMs`, which the corpus counts as the server no longer answering.
 */
export function sendRaw(baseUrl: string, request: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostOf(url), port: Number(url.port) });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      let data = Buffer.concat(chunks);
      // Skip interim answers (100 Continue): the final one follows.
      while (/^HTTP\/1\.[01] 1\d\d /.test(data.subarray(0, 13).toString('latin1')) && data.indexOf('\r\n\r\n') >= 0) {
        data = data.subarray(data.indexOf('\r\n\r\n') + 4);
      }
      const headEnd = data.indexOf('\r\n\r\n');
      if (headEnd < 0) return resolve({ status: 0, headers: {}, body: Buffer.alloc(0), json: undefined });
      const { status, headers } = parseHead(data.subarray(0, headEnd).toString('latin1'));
      const rest = data.subarray(headEnd + 4);
      const body = /chunked/i.test(headers['transfer-encoding'] ?? '') ? decodeChunked(rest) : rest;
      let json: unknown;
      if ((headers['content-type'] ?? '').includes('json') && body.length > 0) {
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          json = undefined;
        }
      }
      resolve({ status, headers, body, json });
    };
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${request.method} ${request.target.slice(0, 120)}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const soFar = Buffer.concat(chunks);
      const headEnd = soFar.indexOf('\r\n\r\n');
      if (headEnd >= 0 && /content-type: text\/event-stream/i.test(soFar.subarray(0, headEnd).toString('latin1'))) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    // A server that resets the connection after answering still answered: keep what arrived.
    socket.on('error', finish);
    socket.on('connect', () => {
      socket.write(encodeRequest(request));
      if (request.halfClose) socket.end();
    });
  });
}

/** A socket the caller keeps: for streams, clients that hang up at a chosen moment, and requests sent slowly. */
export interface RawConnection {
  readonly socket: Socket;
  /** Everything the server sent so far. */
  received(): Buffer;
  /** Resolves once what the server sent contains `text` (rejects if the connection closes first). */
  until(text: string): Promise<void>;
  /** Resolves when the connection is closed, by either side. */
  readonly closed: Promise<void>;
}

/** Opens a connection to `baseUrl` (from `localAddress` when given) and resolves once it is connected. */
export function connectRaw(baseUrl: string, options: { localAddress?: string } = {}): Promise<RawConnection> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostOf(url), port: Number(url.port), localAddress: options.localAddress });
    const chunks: Buffer[] = [];
    const waiters = new Set<() => void>();
    let open = true;
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    void closed.then(() => {
      open = false;
      for (const wake of [...waiters]) wake();
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      for (const wake of [...waiters]) wake();
    });
    socket.on('error', () => undefined); // a reset is how some of these end; 'close' follows
    const received = () => Buffer.concat(chunks);
    const until = (text: string) =>
      new Promise<void>((done, fail) => {
        const check = () => {
          if (received().includes(text)) {
            waiters.delete(check);
            done();
          } else if (!open) {
            waiters.delete(check);
            fail(new Error(`the connection closed before ${JSON.stringify(text)} arrived; got ${JSON.stringify(received().toString('latin1').slice(0, 300))}`));
          }
        };
        waiters.add(check);
        check();
      });
    socket.once('connect', () => resolve({ socket, received, until, closed }));
    socket.once('error', reject);
  });
}
