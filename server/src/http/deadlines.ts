import type { IncomingMessage, ServerOptions } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config.js';
import { answerAndClose, requestTimeoutBody } from './errors.js';

/**
 * How long a request may take to arrive: its headers, plus its largest allowed body at the slowest uplink an
 * honest agent has. With the defaults (10 s, 32 KiB/s = 256 kbit/s):
 *
 *   JSON routes (1 MiB):        10 s + 1 MiB / 32 KiB/s =  42 s
 *   screenshot uploads (8 MiB): 10 s + 8 MiB / 32 KiB/s = 266 s  (a real 60-300 KiB screenshot needs 2-10 s)
 *
 * A body dribbled in a byte at a time, or headers that never end, hold a connection no longer than this.
 */
export function requestDeadlineMs(config: ServerConfig, bodyLimit: number): number {
  return config.headersTimeoutMs + Math.ceil((bodyLimit * 1000) / config.slowestUplinkBytesPerSecond);
}

/**
 * Node's own deadlines, as fastify options. Node has one request deadline for the whole server: it is the longest
 * one (the screenshot upload's), and bodyDeadlines() below holds every other route to its own shorter one.
 */
export function serverTimeouts(config: ServerConfig): {
  connectionTimeout: number;
  keepAliveTimeout: number;
  requestTimeout: number;
  http: ServerOptions;
} {
  const requestTimeout = requestDeadlineMs(config, Math.max(config.maxJsonBytes, config.maxScreenshotBytes));
  return {
    // Nothing sent either way for this long: the connection is dead or a slow reader (longer than the policy
    // stream's heartbeat, which keeps a live stream busy).
    connectionTimeout: config.idleConnectionMs,
    // A kept connection waiting for its next request.
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout,
      // How often Node looks for requests past their deadline (its default, 30 s, would let one run 30 s late).
      connectionsCheckingInterval: config.deadlineCheckIntervalMs,
    },
  };
}

/** Whether the request says a body follows. */
const announcesBody = (raw: IncomingMessage): boolean => Number(raw.headers['content-length'] ?? 0) > 0 || raw.headers['transfer-encoding'] !== undefined;

/**
 * Holds each request's body to its route's deadline (requestDeadlineMs of the route's body limit): a JSON route does
 * not wait the screenshot upload's four minutes for a body dribbled in a byte at a time. Past it, the request is
 * answered 408 REQUEST_TIMEOUT and its connection closed, as Node does with its own deadline.
 *
 * Real time, like Node's own deadlines: this watches the network, not the domain, and a test's fake clock must not
 * hold a connection open.
 */
export function installBodyDeadlines(app: FastifyInstance, config: ServerConfig): void {
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    if (raw.complete || !announcesBody(raw)) return done();
    const deadlineMs = requestDeadlineMs(config, request.routeOptions.bodyLimit ?? config.maxJsonBytes);
    const timer = setTimeout(() => {
      if (raw.complete) return;
      request.log.info({ deadlineMs }, 'request body too slow: answered 408 and closed');
      answerAndClose(raw.socket, 408, requestTimeoutBody, reply.raw.headersSent);
    }, deadlineMs);
    const stop = () => clearTimeout(timer);
    raw.once('end', stop);
    reply.raw.once('close', stop);
    done();
  });
}

/** At most `maxConnections` open at once: Node closes any connection beyond at once. */
export function capConnections(app: FastifyInstance, config: ServerConfig): void {
  app.server.maxConnections = config.maxConnections;
}
