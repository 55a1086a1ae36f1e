import { request as httpRequest } from 'node:http';

/** A policy event as the stream sends it (the fields the tests look at). */
export interface StreamedPolicy {
  readonly version: number;
  readonly screenshots: string;
  readonly contract: { readonly state: string; readonly seq: number; readonly by: string | null };
}

export interface PolicyStream {
  readonly status: number;
  readonly contentType: string;
  /** Policies received so far, in order. */
  readonly events: StreamedPolicy[];
  /** Resolves when `count` policy events have arrived (the connection is then closed). */
  received(count: number): Promise<void>;
  close(): void;
  /** Resolves when the server ends the stream. */
  ended(): Promise<void>;
}

/** Opens GET …/policy/stream and parses `event: policy` blocks; resolves once the headers are in. */
export function openPolicyStream(url: string, token: string): Promise<PolicyStream> {
  return new Promise((resolve, reject) => {
    const events: StreamedPolicy[] = [];
    const waiters: { count: number; resolve: () => void }[] = [];
    const req = httpRequest(new URL(url), { headers: { authorization: `Bearer ${token}` } }, (res) => {
      let buffer = '';
      const ended = new Promise<void>((done) => {
        res.once('end', done);
        res.once('close', done);
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (block.includes('event: policy') && data) events.push(JSON.parse(data.slice(6)));
        }
        for (const w of waiters.filter((w) => events.length >= w.count)) w.resolve();
      });
      resolve({
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type']),
        events,
        received: (count) =>
          events.length >= count ? Promise.resolve() : new Promise<void>((done) => waiters.push({ count, resolve: done })),
        close: () => req.destroy(),
        ended: () => ended,
      });
    });
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
}
