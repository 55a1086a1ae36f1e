/**
 * `npm run bench:sign-in-flood`: screenshot uploads while a flood of sign-ins runs, with the server's password
 * queue (one scrypt at a time, 32 waiting, the rest refused with 429) and without it (every check straight to
 * scrypt, as before the queue), next to the same uploads with no flood. scrypt runs on libuv's thread pool, which
 * also writes the screenshot files: the figure is how long uploads (and the file writes inside them) take.
 *
 * The flood comes from many addresses and emails at once (a botnet spraying): the per-address and per-account
 * limits are lifted in the server under test, so every sign-in reaches the password check; each flooding client
 * sends its next sign-in as soon as it has an answer. Each server runs in its own process (server-child.ts).
 *
 *   npm run bench:sign-in-flood -- [--agents 10] [--cycles 5] [--flood 64] [--image-kb 60] [--backend sqlite|postgres] [--out FILE]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ulid } from 'ulid';
import { postgresUnavailableReason, startPostgres } from '../tests/support/postgres.js';
import type { BenchAgent, ControlMessage, ReadyMessage, StartMessage, StatsMessage } from './server-child.js';
import { spreadOf, type ServerStats, type Spread } from './server-stats.js';
import { benchJpeg, benchSegment } from './upload-bodies.js';

const { values: opts } = parseArgs({
  options: {
    agents: { type: 'string', default: '10' },
    cycles: { type: 'string', default: '5' },
    flood: { type: 'string', default: '64' },
    'image-kb': { type: 'string', default: '60' },
    backend: { type: 'string', default: 'sqlite' },
    out: { type: 'string' },
  },
});
const AGENTS = Number(opts.agents);
const CYCLES = Number(opts.cycles);
const FLOOD = Number(opts.flood);
const IMAGE_BYTES = Number(opts['image-kb']) * 1024;
const SEGMENT_MS = 600_000;

interface Mode {
  readonly name: string;
  readonly flood: boolean;
  readonly hashing: 'queue' | 'uncapped';
}

const MODES: Mode[] = [
  { name: 'uploads alone', flood: false, hashing: 'queue' },
  { name: 'flood, no queue (plain scrypt)', flood: true, hashing: 'uncapped' },
  { name: 'flood, password queue (ours)', flood: true, hashing: 'queue' },
];

interface Row {
  readonly mode: string;
  readonly screenshotMs: Spread;
  readonly segmentMs: Spread;
  /** The screenshot file's write + fsync + rename on the thread pool, measured in the server. */
  readonly storagePutMs: Spread | null;
  /** Uploads not answered 200, by status (0: no answer: the connection was closed or failed). */
  readonly uploadErrors: Record<string, number>;
  readonly uploadSeconds: number;
  readonly signIns: Record<string, number>;
  readonly signInMs: Spread;
  readonly server: ServerStats;
}

async function timed(url: string, init: RequestInit): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  try {
    const response = await fetch(url, init);
    await response.arrayBuffer();
    return { ms: performance.now() - t0, status: response.status };
  } catch {
    return { ms: performance.now() - t0, status: 0 };
  }
}

/** Every agent uploads its cycles one after the other (segment, then screenshot); all agents at once. */
async function upload(base: string, agents: BenchAgent[]): Promise<{ screenshot: number[]; segment: number[]; errors: Map<string, number> }> {
  const screenshot: number[] = [];
  const segment: number[] = [];
  const errors = new Map<string, number>();
  const image = await benchJpeg(IMAGE_BYTES);
  const latest = Math.floor(Date.now() / SEGMENT_MS) * SEGMENT_MS - SEGMENT_MS;
  await Promise.all(
    agents.map(async (agent) => {
      const auth = { authorization: `Bearer ${agent.token}` };
      for (let c = 0; c < CYCLES; c += 1) {
        const start = latest - c * SEGMENT_MS;
        const body = benchSegment(agent.contractId, start);
        const put = await timed(`${base}/segments/${body.id}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        segment.push(put.ms);
        const shot = await timed(`${base}/screenshots/${ulid()}`, {
          method: 'PUT',
          headers: { ...auth, 'content-type': 'image/jpeg', 'x-worktrace-segment-id': body.id, 'x-worktrace-captured-at': new Date(start + 123_000).toISOString() },
          body: image,
        });
        screenshot.push(shot.ms);
        for (const { status } of [put, shot]) if (status !== 200) errors.set(String(status), (errors.get(String(status)) ?? 0) + 1);
      }
    }),
  );
  return { screenshot, segment, errors };
}

/** FLOOD clients, each signing in with an unknown email as soon as its last answer came, until `done`. */
function flood(base: string, done: () => boolean): { finished: Promise<void>; statuses: Map<string, number>; latencies: number[] } {
  const statuses = new Map<string, number>();
  const latencies: number[] = [];
  const client = async (n: number) => {
    for (let i = 0; !done(); i += 1) {
      const answer = await timed(`${base}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `flood-${n}-${i}@bench.test`, password: 'Summer2026!' }),
      });
      latencies.push(answer.ms);
      statuses.set(String(answer.status), (statuses.get(String(answer.status)) ?? 0) + 1);
    }
  };
  return { finished: Promise.all(Array.from({ length: FLOOD }, (_, n) => client(n))).then(() => undefined), statuses, latencies };
}

async function run(mode: Mode, databaseUrl: string | undefined): Promise<Row> {
  const child = fork(fileURLToPath(new URL('./server-child.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  try {
    const ready = once(child, 'message') as Promise<[ReadyMessage]>;
    const backend = databaseUrl ? 'postgres' : 'sqlite';
    child.send({ backend, agents: AGENTS, databaseUrl, signInFlood: { hashing: mode.hashing } } satisfies StartMessage);
    const [{ base, agents }] = await Promise.race([ready, exited.then(() => Promise.reject(new Error(`${mode.name}: the server process exited`)))]);
    child.send('load' satisfies ControlMessage);
    let uploading = true;
    const signIns = mode.flood ? flood(base, () => !uploading) : null;
    const started = performance.now();
    const uploads = await upload(base, agents);
    const uploadSeconds = (performance.now() - started) / 1000;
    uploading = false;
    await signIns?.finished;
    const statsAnswer = once(child, 'message') as Promise<[StatsMessage]>;
    child.send('stop' satisfies ControlMessage);
    const [{ stats }] = await statsAnswer;
    return {
      mode: mode.name,
      screenshotMs: spreadOf(uploads.screenshot),
      segmentMs: spreadOf(uploads.segment),
      storagePutMs: stats.storagePutMs,
      uploadErrors: Object.fromEntries(uploads.errors),
      uploadSeconds: Number(uploadSeconds.toFixed(2)),
      signIns: Object.fromEntries(signIns?.statuses ?? []),
      signInMs: spreadOf(signIns?.latencies ?? []),
      server: stats,
    };
  } finally {
    if (child.connected) child.send('stop' satisfies ControlMessage);
    await exited;
  }
}

function print(rows: Row[]): void {
  console.log(`\n${AGENTS} agents x ${CYCLES} cycles (a segment + a ${IMAGE_BYTES / 1024} KiB screenshot), ${FLOOD} flooding clients, ${opts.backend}, on loopback`);
  console.log('latencies in ms: p50 / p99 / max\n');
  const s = (x: Spread | null) => (x && x.count > 0 ? `${x.p50} / ${x.p99} / ${x.max}` : '-');
  for (const r of rows) {
    const signIns = Object.entries(r.signIns).map(([status, n]) => `${status}: ${n}`).join(', ') || '-';
    console.log(`${r.mode}`);
    console.log(`  screenshot upload ${s(r.screenshotMs)}; segment upload ${s(r.segmentMs)}; screenshot file write (server) ${s(r.storagePutMs)}`);
    const failed = Object.entries(r.uploadErrors).map(([status, n]) => `${status}: ${n}`).join(', ') || 'none';
    console.log(`  uploads took ${r.uploadSeconds} s, not 200: ${failed}; sign-ins answered meanwhile: ${signIns} (${s(r.signInMs)}); server event loop delay ${s(r.server.loopDelayMs)}`);
  }
  const [alone, plain, ours] = rows;
  if (alone && plain && ours) {
    const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(1) : '-');
    console.log('\nscreenshot upload latency, no queue / queue:');
    console.log(`  p50 ${ratio(plain.screenshotMs.p50, ours.screenshotMs.p50)}x, p99 ${ratio(plain.screenshotMs.p99, ours.screenshotMs.p99)}x`);
    console.log('screenshot upload latency under the flood with the queue / without a flood:');
    console.log(`  p50 ${ratio(ours.screenshotMs.p50, alone.screenshotMs.p50)}x, p99 ${ratio(ours.screenshotMs.p99, alone.screenshotMs.p99)}x`);
    if (plain.storagePutMs && ours.storagePutMs) {
      console.log(`screenshot file write p99 (server), no queue / queue: ${ratio(plain.storagePutMs.p99, ours.storagePutMs.p99)}x`);
    }
  }
}

/** A fresh database per mode (each seeds its own agents): a PostgreSQL one, or undefined for SQLite. */
let freshDatabase = async (): Promise<string | undefined> => undefined;
let stopPostgres: (() => Promise<void>) | undefined;
if (opts.backend === 'postgres') {
  const reason = postgresUnavailableReason();
  if (reason) throw new Error(`postgres: ${reason}`);
  const pg = await startPostgres();
  stopPostgres = () => pg.stop();
  freshDatabase = () => pg.createDatabase();
}
try {
  const rows: Row[] = [];
  for (const mode of MODES) rows.push(await run(mode, await freshDatabase()));
  print(rows);
  if (opts.out) {
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, `${JSON.stringify({ at: new Date().toISOString(), agents: AGENTS, cycles: CYCLES, flood: FLOOD, imageKb: IMAGE_BYTES / 1024, backend: opts.backend, rows }, null, 2)}\n`);
    console.log(`written to ${opts.out}`);
  }
} finally {
  await stopPostgres?.();
}
