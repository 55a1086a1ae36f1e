/**
 * Where a request's time goes inside the server under load, measured in the server's own process
 * (server-child.ts) so the load generator's event loop does not blur it:
 * - event-loop delay (perf_hooks.monitorEventLoopDelay) and utilisation: how long ready callbacks
 *   waited because JavaScript (or a synchronous better-sqlite3 call and its fsync) held the loop;
 * - per route, the time from fastify's onRequest to the reply sent (body upload included, time in
 *   the socket's accept queue and the HTTP parser excluded);
 * - per storage call, the time a screenshot file's write + fsync + rename took on libuv's thread pool.
 * A tail that shows up in the client's latencies but in none of these is queueing before the server
 * reads the request (or in the load generator itself).
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { ScreenshotStorage } from '../src/storage/types.js';

/** Response header the bench's server sets: when fastify's onRequest ran for this request. */
export const RECEIVED_AT_HEADER = 'x-bench-received-at';
/** Set on a connection's first request only: when the server accepted the connection (epoch ms). */
export const ACCEPTED_AT_HEADER = 'x-bench-accepted-at';

export interface Spread {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface ServerStats {
  /** Event-loop delay over the load, ms. */
  readonly loopDelayMs: Spread;
  /** Share of the load's wall time the event loop was busy (0–1). */
  readonly loopUtilization: number;
  /** fastify onRequest → reply sent, per `METHOD /route`, ms. */
  readonly handlingMs: Record<string, Spread>;
  /** ScreenshotStorage.put (write, fsync, rename on the thread pool), ms. */
  readonly storagePutMs: Spread | null;
  /** TCP connections the server accepted during the load (agents that keep theirs open: one each). */
  readonly connections: number;
  /** The server process's CPU time (user + system) over the load's wall time: below its loop utilisation when the loop waits in system calls (fsync) or for a core. */
  readonly cpuShare: number;
  /** Main-thread time inside better-sqlite3 calls over the load (SQLite backend only; see timeSqliteCalls). */
  readonly sqlite: { readonly share: number; readonly calls: number; readonly commitMs: Spread } | null;
}

/** Time spent in synchronous better-sqlite3 calls, filled by timeSqliteCalls. */
export interface SqliteTimes {
  totalMs: number;
  calls: number;
  readonly commits: number[];
}

/**
 * Wraps better-sqlite3's Database.exec and Statement.run/get/all so the time the event loop spends
 * inside SQLite (COMMIT's fsync under synchronous=FULL included) is counted. Bench only: it patches
 * the library's prototypes for this process.
 */
export function timeSqliteCalls(Database: typeof BetterSqlite3, times: SqliteTimes): void {
  const probe = new Database(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  const timed = (proto: Record<string, (...args: unknown[]) => unknown>, name: string) => {
    const original = proto[name]!;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const ms = performance.now() - t0;
        times.totalMs += ms;
        times.calls += 1;
        if (name === 'exec' && args[0] === 'COMMIT') times.commits.push(ms);
      }
    };
  };
  for (const name of ['run', 'get', 'all']) timed(statementProto, name);
  timed(Database.prototype as unknown as Record<string, (...args: unknown[]) => unknown>, 'exec');
}

export function spreadOf(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN);
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: round(sorted[sorted.length - 1] ?? NaN) };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const share = (part: number, whole: number) => Math.round((part / whole) * 1000) / 1000;
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

/** A storage that times each put and otherwise does what `inner` does. */
export function timedStorage(inner: ScreenshotStorage, samples: number[]): ScreenshotStorage {
  return {
    kind: inner.kind,
    async put(id, body, length) {
      const t0 = performance.now();
      try {
        return await inner.put(id, body, length);
      } finally {
        samples.push(performance.now() - t0);
      }
    },
    putAt: (key, bytes) => inner.putAt(key, bytes),
    get: (key) => inner.get(key),
    delete: (key) => inner.delete(key),
    keysWrittenBefore: (before, batchSize) => inner.keysWrittenBefore(before, batchSize),
    list: () => inner.list(),
    check: () => inner.check(),
  };
}

export interface ServerWatch {
  /** From now on: call it when the load begins, so seeding and start-up do not count. */
  start(): void;
  /** What was seen since start(). */
  stop(): ServerStats;
}

/** Hooks into `app` (before it is ready: hooks cannot be added after) and, once started, the event loop. */
export function watchServer(app: FastifyInstance | null, storagePuts: number[] | null, sqliteTimes: SqliteTimes | null = null): ServerWatch {
  const handling = new Map<string, number[]>();
  let connections = 0;
  const acceptTimes = new WeakMap<object, number>();
  app?.server.on('connection', (socket: object) => {
    connections += 1;
    acceptTimes.set(socket, performance.timeOrigin + performance.now());
  });
  // When the server began the request (epoch ms, sub-ms): the client subtracts its send time to see how
  // long the request waited before the server read it. Both processes share this machine's clock.
  app?.addHook('onRequest', async (request, reply) => {
    reply.header(RECEIVED_AT_HEADER, (performance.timeOrigin + performance.now()).toFixed(3));
    // The first request on a connection also says when the server accepted that connection.
    const acceptedAt = acceptTimes.get(request.socket);
    if (acceptedAt !== undefined) {
      reply.header(ACCEPTED_AT_HEADER, acceptedAt.toFixed(3));
      acceptTimes.delete(request.socket);
    }
  });
  app?.addHook('onResponse', async (request, reply) => {
    const route = `${request.method} ${request.routeOptions.url ?? '(no route)'}`;
    let samples = handling.get(route);
    if (!samples) handling.set(route, (samples = []));
    samples.push(reply.elapsedTime);
  });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let utilizationAtStart: EventLoopUtilization | null = null;
  let cpuAtStart = process.cpuUsage();
  let wallAtStart = performance.now();
  return {
    start() {
      cpuAtStart = process.cpuUsage();
      wallAtStart = performance.now();
      if (sqliteTimes) {
        sqliteTimes.totalMs = 0;
        sqliteTimes.calls = 0;
        sqliteTimes.commits.splice(0);
      }
      handling.clear();
      connections = 0;
      storagePuts?.splice(0);
      delay.reset();
      delay.enable();
      utilizationAtStart = performance.eventLoopUtilization();
    },
    stop() {
      delay.disable();
      const ms = (ns: number) => round(ns / 1e6);
      return {
        loopDelayMs: { count: delay.count, p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
        loopUtilization: utilizationAtStart ? Math.round(performance.eventLoopUtilization(utilizationAtStart).utilization * 1000) / 1000 : NaN,
        handlingMs: Object.fromEntries([...handling].map(([route, samples]) => [route, spreadOf(samples)])),
        storagePutMs: storagePuts ? spreadOf(storagePuts) : null,
        connections,
        cpuShare: share(cpuMs(process.cpuUsage(cpuAtStart)), performance.now() - wallAtStart),
        sqlite: sqliteTimes
          ? { share: share(sqliteTimes.totalMs, performance.now() - wallAtStart), calls: sqliteTimes.calls, commitMs: spreadOf(sqliteTimes.commits) }
          : null,
      };
    },
  };
}
