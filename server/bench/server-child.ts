/**
 * The server side of `npm run bench:server`, in a process of its own: the load generator does not share its event
 * loop or its heap, so the throughput is the server's and the resident memory read from /proc is the server's alone.
 *
 * Protocol (child_process IPC): the parent sends a {@link StartMessage}; the child seeds the agents, listens on
 * loopback and answers a {@link ReadyMessage}; on "load" it starts measuring (server-stats.ts); on "stop" it answers
 * a {@link StatsMessage}, closes and exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { keyRing, parseServerKeys } from '../src/crypto/server-keys.js';
import { DiskScreenshotStorage } from '../src/storage/disk.js';
import { S3ScreenshotStorage } from '../src/storage/s3.js';
import { systemClock } from '../src/support/system-clock.js';
import Database from 'better-sqlite3';
import { timeSqliteCalls, timedStorage, watchServer, type ServerStats, type ServerWatch, type SqliteTimes } from './server-stats.js';
import { testKeyRing } from '../tests/support/keys.js';

export type Backend = 'bare' | 'sqlite' | 'postgres';

export interface StartMessage {
  readonly backend: Backend;
  readonly agents: number;
  readonly databaseUrl?: string;
  /**
   * For sign-in-flood.ts: the sign-in limits that count per address and per account are lifted (a flood from many
   * addresses and emails passes them anyway), and password checks go through the server's queue or, `uncapped`,
   * straight to scrypt.
   */
  readonly signInFlood?: { readonly hashing: 'queue' | 'uncapped' };
  /** Screenshots in this S3 bucket instead of the disk (several instances share it, and `serverKeys`). */
  readonly s3?: { readonly endpoint: string; readonly region: string; readonly bucket: string; readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The server keys as WORKTRACE_SERVER_KEYS holds them; a fresh key when absent. */
  readonly serverKeys?: string;
  /** Listen on this port (a balancer in front needs it fixed); any free one when absent. */
  readonly port?: number;
}

export interface BenchAgent {
  readonly token: string;
  readonly contractId: string;
}

export interface ReadyMessage {
  readonly base: string;
  readonly agents: BenchAgent[];
}

export interface StatsMessage {
  readonly stats: ServerStats;
}

/** What the parent sends once the server is ready. */
export type ControlMessage = 'load' | 'stop';

interface Running {
  readonly base: string;
  readonly agents: BenchAgent[];
  readonly watch: ServerWatch;
  close(): Promise<void>;
}

/** Users, contracts and tokens written straight to the repositories: the benchmark measures uploads, not sign-ins. */
async function seedAgents(repos: Repositories, count: number): Promise<BenchAgent[]> {
  const passwordHash = await hashPassword('bench-password');
  // Contracts began a month ago, so every capture in the benchmark falls under their first policy.
  const past: Clock = { ...systemClock, now: () => systemClock.now() - 30 * 86_400_000 };
  const agents: BenchAgent[] = [];
  for (let i = 0; i < count; i += 1) {
    const client = { id: ulid(), email: `client-${i}@bench.test`, name: `Client ${i}`, passwordHash, createdAt: past.now(), disabledAt: null };
    const freelancer = { id: ulid(), email: `freelancer-${i}@bench.test`, name: `Freelancer ${i}`, passwordHash, createdAt: past.now(), disabledAt: null };
    await repos.users.create(client);
    await repos.users.create(freelancer);
    const contract = await createContract(repos, past, { name: `Bench ${i}`, clientId: client.id, freelancerId: freelancer.id, segmentSeconds: 600, screenshots: 'on', retentionDays: 90 });
    const token = newToken();
    await repos.tokens.create(hashToken(token), freelancer.id, systemClock.now(), systemClock.now() + 86_400_000);
    agents.push({ token, contractId: contract.id });
  }
  return agents;
}

async function startWorktrace(message: StartMessage): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), `wt-bench-${message.backend}-`));
  const { databaseUrl } = message;
  const sqliteTimes: SqliteTimes | null = databaseUrl ? null : { totalMs: 0, calls: 0, commits: [] };
  if (sqliteTimes) timeSqliteCalls(Database, sqliteTimes);
  const repos = await openRepositories({ databaseUrl, dataDir, now: Date.now() });
  const agents = await seedAgents(repos, message.agents);
  const flood = message.signInFlood;
  const lifted = { max: 1_000_000, windowMs: 60_000 };
  const config = serverConfig({
    dataDir,
    port: 0,
    databaseUrl,
    purgeIntervalMs: 0,
    ...(flood
      ? {
          loginRateLimit: lifted,
          addressLoginFailureLimit: lifted,
          accountLoginBackoff: { freeFailures: 1_000_000, baseMs: 1_000, maxMs: 1_000 },
          ...(flood.hashing === 'uncapped' ? { passwordHashing: { concurrency: Infinity, maxQueued: Infinity } } : {}),
        }
      : {}),
  });
  const puts: number[] = [];
  const { s3 } = message;
  const store = s3
    ? new S3ScreenshotStorage({ bucket: s3.bucket, endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3 })
    : new DiskScreenshotStorage(join(dataDir, 'screenshots'));
  const storage = timedStorage(store, puts);
  const keys = message.serverKeys ? keyRing(parseServerKeys(message.serverKeys, 'the benchmark')) : testKeyRing();
  const app = await buildServer(config, { clock: systemClock, repos, storage, keys, logger: createLogger({ level: 'warn' }) });
  const watch = watchServer(app, puts, sqliteTimes);
  const base = `${await app.listen({ host: '127.0.0.1', port: message.port ?? 0 })}/api/v1`;
  return {
    base,
    agents,
    watch,
    close: async () => {
      await app.close();
      await repos.close();
      if (store instanceof S3ScreenshotStorage) store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The ceiling: the same requests to a Fastify server that parses them and stores nothing. */
async function startBareFastify(message: StartMessage): Promise<Running> {
  const app = Fastify({ bodyLimit: 16 * 1024 * 1024 });
  app.addContentTypeParser('image/jpeg', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.put('/api/v1/segments/:id', async () => ({ ok: true }));
  app.put('/api/v1/screenshots/:id', async () => ({ ok: true }));
  const watch = watchServer(app, null);
  const base = `${await app.listen({ host: '127.0.0.1', port: 0 })}/api/v1`;
  const agents = Array.from({ length: message.agents }, () => ({ token: newToken(), contractId: ulid() }));
  return { base, agents, watch, close: () => app.close() };
}

process.once('message', (message: StartMessage) => {
  const start = message.backend === 'bare' ? startBareFastify(message) : startWorktrace(message);
  start.then(
    (running) => {
      process.send?.({ base: running.base, agents: running.agents } satisfies ReadyMessage);
      let stopping = false;
      process.on('message', (control: ControlMessage) => {
        if (control === 'load') return running.watch.start();
        if (stopping) return;
        stopping = true;
        process.send?.({ stats: running.watch.stop() } satisfies StatsMessage);
        void running.close().then(() => process.exit(0));
      });
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
