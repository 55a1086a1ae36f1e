import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A real PostgreSQL for tests and benchmarks: WORKTRACE_TEST_PG_URL when set (an admin URL on a
 * server we may create databases in), else a throwaway cluster of the Debian packages started here:
 * initdb into a temporary directory, run as the `postgres` system user when we are root, on a free
 * loopback port with its socket in the temporary directory, stopped by its PID afterwards.
 * In CI (CI=true) a PostgreSQL that cannot be started fails the run; elsewhere the caller may skip.
 */
export interface TestPostgres {
  /** A fresh, empty database; returns its URL. */
  createDatabase(): Promise<string>;
  /** The cluster's data directory, when we started the cluster ourselves (to search its files). */
  readonly dataDir: string | null;
  /** Where a file that shares this cluster connects (see sharedCluster). */
  readonly shared: SharedPostgres;
  /** Forces dirty pages to the data files, so a search of them sees what the database holds. */
  checkpoint(): Promise<void>;
  stop(): Promise<void>;
}

/** A running cluster as the server project's globalSetup hands it to every test file (vitest provide/inject). */
export interface SharedPostgres {
  readonly adminUrl: string;
  readonly dataDir: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cluster this run's server files share, or null when there is none (shared-postgres.ts, testBackends). */
    sharedPostgres: SharedPostgres | null;
  }
}

export const isCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/** The directory of the newest installed PostgreSQL's binaries, or null. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** Why PostgreSQL tests cannot run here, or null when they can. Throws in CI instead of returning. */
export function postgresUnavailableReason(): string | null {
  if (process.env.WORKTRACE_TEST_PG_URL) return null;
  const reason = postgresBinDir() ? null : 'PostgreSQL is not installed (apt-get install postgresql, or set WORKTRACE_TEST_PG_URL)';
  if (reason && isCi()) throw new Error(`CI needs PostgreSQL: ${reason}`);
  return reason;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let databaseCounter = 0;

/** Runs `work` on a fresh admin connection. */
async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function adminApi(adminUrl: string, dataDir: string | null, stop: (created: readonly string[]) => Promise<void>): TestPostgres {
  const created: string[] = [];
  return {
    dataDir,
    shared: { adminUrl, dataDir },
    async createDatabase() {
      const name = `wt_test_${process.pid}_${Date.now().toString(36)}_${++databaseCounter}`;
      await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async checkpoint() {
      await withAdmin(adminUrl, (c) => c.query('CHECKPOINT'));
    },
    stop: () => stop(created),
  };
}

/**
 * One test file's use of a cluster that outlives it (started once for the whole run by the server project's
 * globalSetup, server/tests/support/shared-postgres.ts): its databases are its own, and stopping drops them (with
 * FORCE, ending connections a file left open) instead of stopping the cluster. initdb and a start cost seconds each
 * file would otherwise pay.
 */
export function sharedCluster(shared: SharedPostgres): TestPostgres {
  return adminApi(shared.adminUrl, shared.dataDir, async (created) => {
    await withAdmin(shared.adminUrl, async (c) => {
      for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  });
}

/** Starts (or connects to) PostgreSQL. Call postgresUnavailableReason() first to decide on skipping. */
export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env.WORKTRACE_TEST_PG_URL;
  if (external) return adminApi(external, null, async () => undefined);

  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed');
  const asRoot = process.getuid?.() === 0;
  const root = mkdtempSync(join(tmpdir(), 'wt-pg-'));
  const dataDir = join(root, 'data');
  const run = (command: string, args: string[]) => {
    const full = asRoot ? ['-u', 'postgres', '--', join(bin, command), ...args] : args;
    const result = spawnSync(asRoot ? 'runuser' : join(bin, command), full, { encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // Durability settings off: the cluster is thrown away, and the machine is shared. 600 connections: the shared
  // cluster serves three test files at once, each with a pool per server instance it starts.
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=600 -c shared_buffers=16MB`;
  run('pg_ctl', ['-D', dataDir, '-l', join(root, 'postgres.log'), '-w', '-t', '60', '-o', options, 'start']);
  const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

  const stop = async () => {
    if (processAlive(pid)) {
      process.kill(pid, 'SIGINT'); // fast shutdown: disconnect clients, no waiting
      for (let i = 0; i < 200 && processAlive(pid); i += 1) await sleep(50);
      if (processAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(root, { recursive: true, force: true });
  };
  return adminApi(`postgres://postgres@127.0.0.1:${port}/postgres`, dataDir, stop);
}
