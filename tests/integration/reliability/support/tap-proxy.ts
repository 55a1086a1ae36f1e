import { createServer, request as httpRequest, type ClientRequest, type Server } from 'node:http';
import { listenOnLoopback } from '../../../support/loopback.js';

/**
 * A pass-through HTTP proxy between the agent and the real server that records every exchange and lets a test
 * act at the one moment that matters for idempotency: the server has answered (the work is stored) and the agent
 * has not heard it yet. Unlike the fault proxy (tests/integration/sync/support/fault-proxy.ts), which buffers
 * whole answers to spoil them, this one streams, so the long-lived policy stream works through it too.
 */
export interface Exchange {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly status: number;
  /** Epoch ms when the server's answer reached the proxy. */
  readonly answeredAt: number;
  /** False when the answer was withheld from the agent. */
  readonly delivered: boolean;
}

/** Called when the server's answer starts; 'withhold' drops the agent's connection instead of answering. */
export type AnswerHook = (exchange: Omit<Exchange, 'delivered'>) => 'deliver' | 'withhold';

export interface TapProxy {
  readonly url: string;
  /** Every answered exchange so far, in order. */
  readonly exchanges: readonly Exchange[];
  setAnswerHook(hook: AnswerHook | null): void;
  close(): Promise<void>;
}

export async function startTapProxy(upstream: string): Promise<TapProxy> {
  const target = new URL(upstream);
  const exchanges: Exchange[] = [];
  const upstreamRequests = new Set<ClientRequest>();
  let hook: AnswerHook | null = null;

  const server: Server = createServer((req, res) => {
    const upstreamRequest = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        const base = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, status: answer.statusCode ?? 502, answeredAt: Date.now() };
        const verdict = hook?.(base) ?? 'deliver';
        exchanges.push({ ...base, delivered: verdict === 'deliver' });
        if (verdict === 'withhold') {
          answer.resume();
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstreamRequests.add(upstreamRequest);
    upstreamRequest.on('close', () => upstreamRequests.delete(upstreamRequest));
    upstreamRequest.on('error', () => req.socket.destroy());
    // The agent went away (killed): end its request upstream too, so the server's policy stream closes.
    res.on('close', () => upstreamRequest.destroy());
    req.pipe(upstreamRequest);
  });
  const listener = await listenOnLoopback(server);
  return {
    url: listener.url,
    exchanges,
    setAnswerHook(next) {
      hook = next;
    },
    close() {
      for (const request of upstreamRequests) request.destroy();
      return listener.close();
    },
  };
}
