/**
 * `npm run bench:server`: simulated agents against the server on loopback. Each agent uploads a
 * segment and then its screenshot per cycle, as the agent's outbox does; all agents run at once.
 * Prints uploads per second, p50/p99 latency, errors and the server's resident memory for SQLite and
 * PostgreSQL, next to a bare Fastify server that accepts the same requests and stores nothing (the
 * HTTP ceiling on this machine): on shared machines absolute numbers are noise, the ratios are the
 * figure. Each server runs in a process of its own (server-child.ts), so its memory is its own and
 * the load generator does not steal its event loop.
 *
 * After the table, per backend, where the time went (server-stats.ts): client latency per upload kind and
 * for the first cycle (new connections) against the rest, the server's own handling time per route, its
 * event-loop delay and utilisation, and the screenshot file writes.
 *
 *   npm run bench:server -- --agents 500 --cycles 5 --image-kb 60 [--backends bare,sqlite,postgres] [--out bench-results/server.json]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ulid } from 'ulid';
import { postgresUnavailableReason, startPostgres } from '../tests/support/postgres.js';
import type { Backend, BenchAgent, ControlMessage, ReadyMessage, StartMessage, StatsMessage } from './server-child.js';
import { ACCEPTED_AT_HEADER, RECEIVED_AT_HEADER, spreadOf, type ServerStats, type Spread } from './server-stats.js';
import { benchJpeg, benchSegment } from './upload-bodies.js';

const { values: opts } = parseArgs({
  options: {
    agents: { type: 'string', default: '500' },
    cycles: { type: 'string', default: '5' },
    'image-kb': { type: 'string', default: '60' },
    backends: { type: 'string', default: 'bare,sqlite,postgres' },
    out: { type: 'string' },
  },
});
const BACKENDS = new Set(opts.backends.split(',').map((b) => b.trim()));
const AGENTS = Number(opts.agents);
const CYCLES = Number(opts.cycles);
const IMAGE_BYTES = Number(opts['image-kb']) * 1024;
const SEGMENT_MS = 600_000;

/** What one backend did under the load. */
interface Load {
  readonly name: string;
  readonly uploads: number;
  readonly seconds: number;
  readonly latencies: number[];
  /** The same latencies by upload kind and cycle: `segment`/`screenshot`, `first cycle`/`later cycles`. */
  readonly latencyBy: Record<string, number[]>;
  readonly errors: Map<string, number>;
}

interface Result extends Load {
  /** The server process's RSS once seeded and listening, before the load. */
  readonly idleRssMb: number;
  /** The highest RSS sampled (every 50 ms) while the load ran. */
  readonly peakRssMb: number;
  /** Measured inside the server process over the load. */
  readonly stats: ServerStats;
  readonly loadGeneratorLoopDelayMs: Spread;
}

/** Every agent runs its cycles one after the other; all agents run at once. */
async function drive(name: string, base: string, agents: BenchAgent[]): Promise<Load> {
  const latencies: number[] = [];
  const latencyBy: Record<string, number[]> = {
    segment: [],
    screenshot: [],
    'first cycle': [],
    'later cycles': [],
    'segment, before the server read it': [],
    'screenshot, before the server read it': [],
    'new connection: send to accept': [],
    'new connection: accept to read': [],
    'kept connection: send to read': [],
  };
  const errors = new Map<string, number>();
  const timed = async (url: string, init: RequestInit, kind: 'segment' | 'screenshot', cycle: number) => {
    const t0 = performance.now();
    try {
      const response = await fetch(url, init);
      await response.arrayBuffer();
      const ms = performance.now() - t0;
      const receivedAt = Number(response.headers.get(RECEIVED_AT_HEADER) ?? NaN);
      const sentAt = performance.timeOrigin + t0;
      if (Number.isFinite(receivedAt)) latencyBy[`${kind}, before the server read it`]!.push(receivedAt - sentAt);
      const acceptedAt = Number(response.headers.get(ACCEPTED_AT_HEADER) ?? NaN);
      if (Number.isFinite(acceptedAt)) {
        latencyBy['new connection: send to accept']!.push(acceptedAt - sentAt);
        latencyBy['new connection: accept to read']!.push(receivedAt - acceptedAt);
      } else if (Number.isFinite(receivedAt)) {
        latencyBy['kept connection: send to read']!.push(receivedAt - sentAt);
      }
      latencies.push(ms);
      latencyBy[kind]!.push(ms);
      latencyBy[cycle === 0 ? 'first cycle' : 'later cycles']!.push(ms);
      if (response.status !== 200) errors.set(`HTTP ${response.status}`, (errors.get(`HTTP ${response.status}`) ?? 0) + 1);
    } catch (error) {
      const key = (error as Error).cause ? String((error as { cause: { code?: string } }).cause.code) : (error as Error).name;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  };
  const latest = Math.floor(Date.now() / SEGMENT_MS) * SEGMENT_MS - SEGMENT_MS;
  const image = await benchJpeg(IMAGE_BYTES);
  const started = performance.now();
  await Promise.all(
    agents.map(async (agent) => {
      for (let c = 0; c < CYCLES; c += 1) {
        const start = latest - c * SEGMENT_MS;
        const body = benchSegment(agent.contractId, start);
        const auth = { authorization: `Bearer ${agent.token}` };
        await timed(`${base}/segments/${body.id}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) }, 'segment', c);
        await timed(`${base}/screenshots/${ulid()}`, {
          method: 'PUT',
          headers: { ...auth, 'content-type': 'image/jpeg', 'x-worktrace-segment-id': body.id, 'x-worktrace-captured-at': new Date(start + 123_000).toISOString() },
          body: image,
        }, 'screenshot', c);
      }
    }),
  );
  return { name, uploads: latencies.length + [...errors.values()].reduce((a, b) => a + b, 0), seconds: (performance.now() - started) / 1000, latencies, latencyBy, errors };
}

/** Starts the server under test in its own process, drives it, and samples that process's resident memory. */
async function benchInChild(name: string, backend: Backend, databaseUrl?: string): Promise<Result> {
  const child = fork(fileURLToPath(new URL('./server-child.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  try {
    const ready = once(child, 'message') as Promise<[ReadyMessage]>;
    child.send({ backend, agents: AGENTS, databaseUrl } satisfies StartMessage);
    const died = exited.then(() => Promise.reject(new Error(`${name}: the server process exited before it was ready`)));
    const [{ base, agents }] = await Promise.race([ready, died]);
    const pid = child.pid ?? 0;
    const idleRssMb = residentMb(pid);
    let peakRssMb = idleRssMb;
    const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, residentMb(pid))), 50);
    child.send('load' satisfies ControlMessage);
    // The load generator's own event loop: a tail it causes itself would show here, not in the server.
    const ownDelay = monitorEventLoopDelay({ resolution: 5 });
    ownDelay.enable();
    const load = await drive(name, base, agents).finally(() => {
      clearInterval(sampler);
      ownDelay.disable();
    });
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    const loadGeneratorLoopDelayMs = { count: ownDelay.count, p50: ms(ownDelay.percentile(50)), p99: ms(ownDelay.percentile(99)), max: ms(ownDelay.max) };
    const statsAnswer = once(child, 'message') as Promise<[StatsMessage]>;
    child.send('stop' satisfies ControlMessage);
    const [{ stats }] = await statsAnswer;
    return { ...load, idleRssMb, peakRssMb: Math.max(peakRssMb, residentMb(pid)), stats, loadGeneratorLoopDelayMs };
  } finally {
    if (child.connected) child.send('stop' satisfies ControlMessage);
    await exited;
  }
}

/** VmRSS of a live process in MiB (Linux /proc; 0 where there is none). */
function residentMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** One line of the report, as printed and as written to --out. */
interface Row {
  readonly backend: string;
  readonly uploads: number;
  readonly uploadsPerSecond: number;
  readonly vsBare: number | null;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: Record<string, number>;
  readonly idleRssMb: number;
  readonly peakRssMb: number;
  /** Where the time went: the client's latencies by kind and cycle, and what the server measured. */
  readonly where: { readonly latencyMs: Record<string, Spread>; readonly server: ServerStats; readonly loadGeneratorLoopDelayMs: Spread };
}

function toRows(results: Result[]): Row[] {
  const ceiling = results.find((r) => r.name.startsWith('bare'));
  return results.map((r) => {
    const sorted = [...r.latencies].sort((a, b) => a - b);
    const rate = r.uploads / r.seconds;
    return {
      backend: r.name,
      uploads: r.uploads,
      uploadsPerSecond: Math.round(rate),
      vsBare: ceiling ? Number((rate / (ceiling.uploads / ceiling.seconds)).toFixed(2)) : null,
      p50Ms: Number(percentile(sorted, 50).toFixed(1)),
      p99Ms: Number(percentile(sorted, 99).toFixed(1)),
      errors: Object.fromEntries(r.errors),
      idleRssMb: Math.round(r.idleRssMb),
      peakRssMb: Math.round(r.peakRssMb),
      where: { latencyMs: Object.fromEntries(Object.entries(r.latencyBy).map(([k, v]) => [k, spreadOf(v)])), server: r.stats, loadGeneratorLoopDelayMs: r.loadGeneratorLoopDelayMs },
    };
  });
}

function print(rows: Row[]): void {
  console.log(`\n${AGENTS} agents x ${CYCLES} cycles (a segment + a ${IMAGE_BYTES / 1024} KiB screenshot each), on loopback\n`);
  console.log(['backend'.padEnd(26), 'uploads', 'uploads/s', 'vs bare', 'p50 ms', 'p99 ms', 'RSS idle', 'RSS peak', 'errors'].join('  '));
  for (const r of rows) {
    const errors = Object.keys(r.errors).length === 0 ? '0' : Object.entries(r.errors).map(([k, v]) => `${k}: ${v}`).join(', ');
    const load = [r.backend.padEnd(26), String(r.uploads).padStart(7), String(r.uploadsPerSecond).padStart(9), String(r.vsBare ?? '-').padStart(7)];
    const cost = [r.p50Ms.toFixed(1).padStart(6), r.p99Ms.toFixed(1).padStart(6), `${r.idleRssMb} MB`.padStart(8), `${r.peakRssMb} MB`.padStart(8)];
    console.log([...load, ...cost, errors].join('  '));
  }
  console.log('\nwhere the time went (ms: p50 / p99 / max)');
  const spread = (s: Spread | null) => (s ? `${s.p50} / ${s.p99} / ${s.max}` : '-');
  for (const r of rows) {
    const { latencyMs, server, loadGeneratorLoopDelayMs } = r.where;
    console.log(`  ${r.backend}`);
    console.log(`    client latency: ${Object.entries(latencyMs).map(([k, s]) => `${k} ${spread(s)}`).join('; ')}`);
    console.log(`    server handling: ${Object.entries(server.handlingMs).map(([k, s]) => `${k} ${spread(s)} (${s.count})`).join('; ')}`);
    console.log(`    event loop: delay ${spread(server.loopDelayMs)}, utilisation ${server.loopUtilization}; screenshot file put: ${spread(server.storagePutMs)}; connections accepted: ${server.connections}`);
    console.log(`    load generator's event loop: delay ${spread(loadGeneratorLoopDelayMs)}; server CPU share of wall time: ${server.cpuShare}`);
    if (server.sqlite) console.log(`    main thread inside SQLite: ${server.sqlite.share} of wall time, ${server.sqlite.calls} calls; COMMIT ${spread(server.sqlite.commitMs)} (${server.sqlite.commitMs.count})`);
  }
  const sqlite = rows.find((r) => r.backend === 'sqlite');
  const postgres = rows.find((r) => r.backend === 'postgres');
  if (sqlite && postgres) console.log(`\npostgres/sqlite throughput ratio: ${(postgres.uploadsPerSecond / sqlite.uploadsPerSecond).toFixed(2)}`);
}

const results: Result[] = [];
if (BACKENDS.has('bare')) results.push(await benchInChild('bare fastify (no storage)', 'bare'));
if (BACKENDS.has('sqlite')) results.push(await benchInChild('sqlite', 'sqlite'));
const reason = BACKENDS.has('postgres') ? postgresUnavailableReason() : 'not asked for (--backends)';
if (reason) {
  console.warn(`postgres: not measured (${reason})`);
} else {
  const pg = await startPostgres();
  try {
    results.push(await benchInChild('postgres', 'postgres', await pg.createDatabase()));
  } finally {
    await pg.stop();
  }
}
const rows = toRows(results);
print(rows);
if (opts.out) {
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify({ at: new Date().toISOString(), agents: AGENTS, cycles: CYCLES, imageKb: IMAGE_BYTES / 1024, results: rows }, null, 2)}\n`);
  console.log(`written to ${opts.out}`);
}
