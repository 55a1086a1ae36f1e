/**
 * `npm run bench:server`: simulated agents against the server on loopback. Each agent uploads a
 * segment and then its screenshot per cycle, as the agent's outbox does; all agents run at once.
 * Prints uploads per second, p50/p99 latency, errors and the server's resident memory for SQLite and
 * PostgreSQL, next to a bare Fastify server that accepts the same requests and stores nothing (the
 * HTTP ceiling on this machine): on shared machines absolute numbers are noise, the ratios are the
 * figure. Each server runs in a process of its own (server-child.ts), so its memory is its own and
 * the load generator does not steal its event loop.
 *
 *   npm run bench:server -- --agents 500 --cycles 5 --image-kb 60 [--out bench-results/server.json]
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ulid } from 'ulid';
import { postgresUnavailableReason, startPostgres } from '../tests/support/postgres.js';
import type { Backend, BenchAgent, ReadyMessage, StartMessage } from './server-child.js';

const { values: opts } = parseArgs({
  options: {
    agents: { type: 'string', default: '500' },
    cycles: { type: 'string', default: '5' },
    'image-kb': { type: 'string', default: '60' },
    out: { type: 'string' },
  },
});
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
  readonly errors: Map<string, number>;
}

interface Result extends Load {
  /** The server process's RSS once seeded and listening, before the load. */
  readonly idleRssMb: number;
  /** The highest RSS sampled (every 50 ms) while the load ran. */
  readonly peakRssMb: number;
}

function jpeg(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(IMAGE_BYTES - 6), Buffer.from([0xff, 0xd9])]));
}

function segment(agent: BenchAgent, start: number) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: ulid(),
    contractId: agent.contractId,
    startedAt: iso(start),
    lengthSeconds: 600,
    trackedSeconds: 600,
    idleSeconds: 0,
    memo: null,
    minutes: Array.from({ length: 10 }, (_, i) => ({ startedAt: iso(start + i * 60_000), trackedSeconds: 60, keyboard: 40, mouse: 25, active: true, idle: false })),
    apps: [{ app: 'code', title: 'editor', seconds: 420 }, { app: 'firefox', title: 'docs', seconds: 180 }],
    screenshot: null,
    policyVersion: 1,
  };
}

/** Every agent runs its cycles one after the other; all agents run at once. */
async function drive(name: string, base: string, agents: BenchAgent[]): Promise<Load> {
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const timed = async (url: string, init: RequestInit) => {
    const t0 = performance.now();
    try {
      const response = await fetch(url, init);
      await response.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (response.status !== 200) errors.set(`HTTP ${response.status}`, (errors.get(`HTTP ${response.status}`) ?? 0) + 1);
    } catch (error) {
      const key = (error as Error).cause ? String((error as { cause: { code?: string } }).cause.code) : (error as Error).name;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  };
  const latest = Math.floor(Date.now() / SEGMENT_MS) * SEGMENT_MS - SEGMENT_MS;
  const image = jpeg();
  const started = performance.now();
  await Promise.all(
    agents.map(async (agent) => {
      for (let c = 0; c < CYCLES; c += 1) {
        const start = latest - c * SEGMENT_MS;
        const body = segment(agent, start);
        const auth = { authorization: `Bearer ${agent.token}` };
        await timed(`${base}/segments/${body.id}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        await timed(`${base}/screenshots/${ulid()}`, {
          method: 'PUT',
          headers: { ...auth, 'content-type': 'image/jpeg', 'x-worktrace-segment-id': body.id, 'x-worktrace-captured-at': new Date(start + 123_000).toISOString() },
          body: image,
        });
      }
    }),
  );
  return { name, uploads: latencies.length + [...errors.values()].reduce((a, b) => a + b, 0), seconds: (performance.now() - started) / 1000, latencies, errors };
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
    const load = await drive(name, base, agents).finally(() => clearInterval(sampler));
    return { ...load, idleRssMb, peakRssMb: Math.max(peakRssMb, residentMb(pid)) };
  } finally {
    if (child.connected) child.send('stop');
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
  const sqlite = rows.find((r) => r.backend === 'sqlite');
  const postgres = rows.find((r) => r.backend === 'postgres');
  if (sqlite && postgres) console.log(`\npostgres/sqlite throughput ratio: ${(postgres.uploadsPerSecond / sqlite.uploadsPerSecond).toFixed(2)}`);
}

const results: Result[] = [await benchInChild('bare fastify (no storage)', 'bare'), await benchInChild('sqlite', 'sqlite')];
const reason = postgresUnavailableReason();
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
