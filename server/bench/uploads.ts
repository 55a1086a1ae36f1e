/**
 * `npm run bench:server`: simulated agents against the server on loopback. Each agent uploads a
 * segment and then its screenshot per cycle, as the agent's outbox does; all agents run at once.
 * Prints uploads per second, p50/p99 latency and errors for SQLite and PostgreSQL, next to a bare
 * Fastify server that accepts the same requests and stores nothing (the HTTP ceiling on this
 * machine): on shared machines absolute numbers are noise, the ratios are the figure.
 *
 *   npm run bench:server -- --agents 200 --cycles 5 --image-kb 60
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { ulid } from 'ulid';
import type { Clock } from '../../src/shared/clock.js';
import { hashPassword } from '../src/auth/passwords.js';
import { hashToken, newToken } from '../src/auth/tokens.js';
import { serverConfig } from '../src/config.js';
import { createContract } from '../src/domain/demo.js';
import { buildServer } from '../src/http/app.js';
import { createLogger } from '../src/logger.js';
import { openRepositories, type Repositories } from '../src/repository/index.js';
import { DiskScreenshotStorage } from '../src/storage/disk.js';
import { systemClock } from '../src/support/system-clock.js';
import { postgresUnavailableReason, startPostgres } from '../tests/support/postgres.js';

const { values: opts } = parseArgs({
  options: {
    agents: { type: 'string', default: '200' },
    cycles: { type: 'string', default: '5' },
    'image-kb': { type: 'string', default: '60' },
  },
});
const AGENTS = Number(opts.agents);
const CYCLES = Number(opts.cycles);
const IMAGE_BYTES = Number(opts['image-kb']) * 1024;
const SEGMENT_MS = 600_000;

interface Agent {
  readonly token: string;
  readonly contractId: string;
}

interface Result {
  readonly name: string;
  readonly uploads: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly errors: Map<string, number>;
}

/** Users, contracts and tokens written straight to the repositories: the benchmark measures uploads, not sign-ins. */
async function seedAgents(repos: Repositories): Promise<Agent[]> {
  const passwordHash = await hashPassword('bench-password');
  // Contracts began a month ago, so every capture in the benchmark falls under their first policy.
  const past: Clock = { ...systemClock, now: () => systemClock.now() - 30 * 86_400_000 };
  const agents: Agent[] = [];
  for (let i = 0; i < AGENTS; i += 1) {
    const client = { id: ulid(), email: `client-${i}@bench.test`, role: 'client' as const, passwordHash, createdAt: past.now() };
    const freelancer = { id: ulid(), email: `freelancer-${i}@bench.test`, role: 'freelancer' as const, passwordHash, createdAt: past.now() };
    await repos.users.create(client);
    await repos.users.create(freelancer);
    const contract = await createContract(repos, past, { name: `Bench ${i}`, clientId: client.id, freelancerId: freelancer.id, segmentSeconds: 600, screenshots: 'on', retentionDays: 90 });
    const token = newToken();
    await repos.tokens.create(hashToken(token), freelancer.id, systemClock.now(), systemClock.now() + 86_400_000);
    agents.push({ token, contractId: contract.id });
  }
  return agents;
}

function jpeg(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(IMAGE_BYTES - 6), Buffer.from([0xff, 0xd9])]));
}

function segment(agent: Agent, start: number) {
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
async function drive(name: string, base: string, agents: Agent[]): Promise<Result> {
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

async function benchServer(name: string, databaseUrl: string | undefined): Promise<Result> {
  const dataDir = mkdtempSync(join(tmpdir(), `wt-bench-${name}-`));
  const repos = await openRepositories({ databaseUrl, dataDir, now: Date.now() });
  const agents = await seedAgents(repos);
  const config = serverConfig({ dataDir, port: 0, databaseUrl, purgeIntervalMs: 0 });
  const app = await buildServer(config, { clock: systemClock, repos, storage: new DiskScreenshotStorage(join(dataDir, 'screenshots')), logger: createLogger({ level: 'warn' }) });
  const base = `${await app.listen({ host: '127.0.0.1', port: 0 })}/api/v1`;
  try {
    return await drive(name, base, agents);
  } finally {
    await app.close();
    await repos.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The ceiling: the same requests to a Fastify server that parses them and stores nothing. */
async function benchBareFastify(): Promise<Result> {
  const app = Fastify({ bodyLimit: 16 * 1024 * 1024 });
  app.addContentTypeParser('image/jpeg', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.put('/api/v1/segments/:id', async () => ({ ok: true }));
  app.put('/api/v1/screenshots/:id', async () => ({ ok: true }));
  const base = `${await app.listen({ host: '127.0.0.1', port: 0 })}/api/v1`;
  const agents = Array.from({ length: AGENTS }, () => ({ token: newToken(), contractId: ulid() }));
  try {
    return await drive('bare fastify (no storage)', base, agents);
  } finally {
    await app.close();
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function report(results: Result[]): void {
  const ceiling = results.find((r) => r.name.startsWith('bare'));
  console.log(`\n${AGENTS} agents x ${CYCLES} cycles (a segment + a ${IMAGE_BYTES / 1024} KiB screenshot each), on loopback\n`);
  console.log(['backend'.padEnd(28), 'uploads', 'uploads/s', 'p50 ms', 'p99 ms', 'vs bare', 'errors'].join('  '));
  for (const r of results) {
    const sorted = [...r.latencies].sort((a, b) => a - b);
    const rate = r.uploads / r.seconds;
    const ratio = ceiling ? (rate / (ceiling.uploads / ceiling.seconds)).toFixed(2) : '-';
    const errors = r.errors.size === 0 ? '0' : [...r.errors].map(([k, v]) => `${k}: ${v}`).join(', ');
    console.log(
      [r.name.padEnd(28), String(r.uploads).padStart(7), rate.toFixed(0).padStart(9), percentile(sorted, 50).toFixed(1).padStart(6), percentile(sorted, 99).toFixed(1).padStart(6), ratio.padStart(7), errors].join('  '),
    );
  }
  const sqlite = results.find((r) => r.name === 'sqlite');
  const postgres = results.find((r) => r.name === 'postgres');
  if (sqlite && postgres) console.log(`\npostgres/sqlite throughput ratio: ${(postgres.uploads / postgres.seconds / (sqlite.uploads / sqlite.seconds)).toFixed(2)}`);
}

const results: Result[] = [await benchBareFastify(), await benchServer('sqlite', undefined)];
const reason = postgresUnavailableReason();
if (reason) {
  console.warn(`postgres: skipped (${reason})`);
} else {
  const pg = await startPostgres();
  try {
    results.push(await benchServer('postgres', await pg.createDatabase()));
  } finally {
    await pg.stop();
  }
}
report(results);
