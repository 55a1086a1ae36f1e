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
 *   npm run bench:server -- --agents 500 --cycles 5 --image-kb 60 [--backends bare,sqlite,postgres,postgres+s3,postgres+s3x2] [--out bench-results/server.json]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ulid } from 'ulid';
import { generateServerKeyLine } from '../src/crypto/server-keys.js';
import { cephUnavailableReason, createBucket, startCeph } from '../tests/support/ceph.js';
import { haproxyUnavailableReason, startHaproxy, type TestBalancer } from '../tests/support/haproxy.js';
import { freePort, postgresUnavailableReason, startPostgres, type TestPostgres } from '../tests/support/postgres.js';
import type { BenchAgent, ControlMessage, ReadyMessage, StartMessage, StatsMessage } from './server-child.js';
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

/**
 * Starts the server under test in its own process (or `instances` of them on one database and bucket, behind
 * HAProxy), drives it, and samples the resident memory of its processes (summed). The server's own figures
 * (where the time went) are the first instance's.
 */
async function benchInChild(name: string, start: Omit<StartMessage, 'agents'>, instances = 1): Promise<Result> {
  const children = Array.from({ length: instances }, () =>
    fork(fileURLToPath(new URL('./server-child.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const exits = children.map((child) => once(child, 'exit'));
  let balancer: TestBalancer | undefined;
  try {
    const bases: string[] = [];
    let agents: BenchAgent[] = [];
    for (const [i, child] of children.entries()) {
      const ready = once(child, 'message') as Promise<[ReadyMessage]>;
      // The first instance seeds the agents; the others serve the same database.
      child.send({ ...start, agents: i === 0 ? AGENTS : 0, ...(instances > 1 ? { port: await freePort() } : {}) } satisfies StartMessage);
      const died = exits[i]!.then(() => Promise.reject(new Error(`${name}: a server process exited before it was ready`)));
      const [message] = await Promise.race([ready, died]);
      bases.push(message.base);
      if (i === 0) agents = message.agents;
    }
    if (instances > 1) balancer = await startHaproxy(bases.map((b) => new URL(b).host));
    const base = balancer ? `${balancer.url}/api/v1` : bases[0]!;
    const resident = () => children.reduce((sum, child) => sum + residentMb(child.pid ?? 0), 0);
    const idleRssMb = resident();
    let peakRssMb = idleRssMb;
    const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, resident())), 50);
    for (const child of children) child.send('load' satisfies ControlMessage);
    // The load generator's own event loop: a tail it causes itself would show here, not in the server.
    const ownDelay = monitorEventLoopDelay({ resolution: 5 });
    ownDelay.enable();
    const load = await drive(name, base, agents).finally(() => {
      clearInterval(sampler);
      ownDelay.disable();
    });
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    const loadGeneratorLoopDelayMs = { count: ownDelay.count, p50: ms(ownDelay.percentile(50)), p99: ms(ownDelay.percentile(99)), max: ms(ownDelay.max) };
    const statsAnswers = children.map((child) => once(child, 'message') as Promise<[StatsMessage]>);
    for (const child of children) child.send('stop' satisfies ControlMessage);
    const [{ stats }] = (await Promise.all(statsAnswers))[0]!;
    return { ...load, idleRssMb, peakRssMb: Math.max(peakRssMb, resident()), stats, loadGeneratorLoopDelayMs };
  } finally {
    await balancer?.stop();
    for (const child of children) {
      // An instance that already answered its stats is exiting: a closed channel is expected then.
      if (child.connected) child.send('stop' satisfies ControlMessage, (error) => void error);
    }
    await Promise.all(exits);
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
  const one = rows.find((r) => r.backend.startsWith('postgres+s3 ('));
  const two = rows.find((r) => r.backend.startsWith('postgres+s3 x2'));
  if (one && two) {
    console.log(`2 instances / 1 instance throughput ratio (postgres+s3): ${(two.uploadsPerSecond / one.uploadsPerSecond).toFixed(2)}`);
    // Said with the figure, so nobody reads it as a scaling result.
    console.log(
      `  both instances share this machine's ${availableParallelism()} cores with PostgreSQL, Ceph, HAProxy and the load generator, so a ` +
        'second instance cannot add capacity here: expect overhead (a ratio near or below 1); a ratio well above 1 is noise ' +
        '(use more --agents and --cycles). ' +
        'The second instance is there so that either can die without losing an upload',
    );
  }
}

const results: Result[] = [];
if (BACKENDS.has('bare')) results.push(await benchInChild('bare fastify (no storage)', { backend: 'bare' }));
if (BACKENDS.has('sqlite')) results.push(await benchInChild('sqlite', { backend: 'sqlite' }));
const wantsPostgres = BACKENDS.has('postgres') || BACKENDS.has('postgres+s3') || BACKENDS.has('postgres+s3x2');
const reason = wantsPostgres ? postgresUnavailableReason() : 'not asked for (--backends)';
if (reason) {
  console.warn(`postgres: not measured (${reason})`);
} else {
  const pg = await startPostgres();
  try {
    if (BACKENDS.has('postgres')) results.push(await benchInChild('postgres', { backend: 'postgres', databaseUrl: await pg.createDatabase() }));
    if (BACKENDS.has('postgres+s3') || BACKENDS.has('postgres+s3x2')) results.push(...(await benchObjectStore(pg)));
  } finally {
    await pg.stop();
  }
}
/** PostgreSQL with screenshots in a Ceph RGW started here: one instance, and two behind HAProxy (same database, bucket, keys). */
async function benchObjectStore(pg: TestPostgres): Promise<Result[]> {
  const why = cephUnavailableReason() ?? (BACKENDS.has('postgres+s3x2') ? haproxyUnavailableReason() : null);
  if (why) {
    console.warn(`postgres+s3: not measured (${why})`);
    return [];
  }
  const ceph = await startCeph();
  const measured: Result[] = [];
  try {
    const serverKeys = generateServerKeyLine();
    const runs: [string, number][] = [];
    if (BACKENDS.has('postgres+s3')) runs.push(['postgres+s3 (Ceph RGW)', 1]);
    if (BACKENDS.has('postgres+s3x2')) runs.push(['postgres+s3 x2 (HAProxy)', 2]);
    // A fresh Ceph is slow at its first writes (1.5 s per put against 0.15 s once warm in a 20-agent run): one run that
    // is not counted, so the first measured backend does not pay for the cluster's start.
    if (runs.length > 0) runs.unshift(['warm-up (not counted)', 1]);
    for (const [name, instances] of runs) {
      const bucket = `bench-${instances}-${Date.now().toString(36)}`;
      await createBucket(ceph, bucket);
      const s3 = { endpoint: ceph.endpoint, region: ceph.region, bucket, ...ceph.credentials };
      const result = await benchInChild(name, { backend: 'postgres', databaseUrl: await pg.createDatabase(), s3, serverKeys }, instances);
      if (!name.startsWith('warm-up')) measured.push(result);
    }
  } finally {
    await ceph.stop();
  }
  return measured;
}

const rows = toRows(results);
print(rows);
if (opts.out) {
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify({ at: new Date().toISOString(), agents: AGENTS, cycles: CYCLES, imageKb: IMAGE_BYTES / 1024, results: rows }, null, 2)}\n`);
  console.log(`written to ${opts.out}`);
}
