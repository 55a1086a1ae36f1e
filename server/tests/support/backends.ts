import { afterAll, beforeAll, inject } from 'vitest';
import { postgresUnavailableReason, sharedCluster, startPostgres, type TestPostgres } from './postgres.js';

export type BackendName = 'sqlite' | 'postgres';

export interface Backend {
  readonly name: BackendName;
  /** undefined for SQLite (the embedded file in the data directory); a fresh database's URL for PostgreSQL. */
  databaseUrl(): Promise<string | undefined>;
  /** The PostgreSQL cluster, when this file started one. */
  postgres(): TestPostgres | null;
}

export interface BackendOptions {
  /**
   * The file searches the cluster's data files (for a token, an image, a key that must not be there): it gets a
   * cluster of its own, so that what it finds, or not, is its own doing and not another file's running beside it.
   */
  readonly searchesClusterFiles?: boolean;
}

/**
 * The backends a test file runs its suite against, for describe.each. PostgreSQL is the cluster the server project
 * started for the whole run (shared-postgres.ts; the file's databases are its own and dropped after it), or one
 * started for this file (beforeAll) and stopped after it: when the file searches the cluster's files, or runs outside
 * the server project. Outside CI a machine without PostgreSQL runs SQLite only and says so; in CI that is an error
 * (postgresUnavailableReason throws).
 */
export function testBackends(options: BackendOptions = {}): Backend[] {
  const sqlite: Backend = { name: 'sqlite', databaseUrl: async () => undefined, postgres: () => null };
  const reason = postgresUnavailableReason();
  if (reason) {
    console.warn(`[server tests] skipping the PostgreSQL run: ${reason}`);
    return [sqlite];
  }
  let cluster: TestPostgres | null = null;
  beforeAll(async () => {
    const shared = options.searchesClusterFiles ? null : inject('sharedPostgres');
    cluster = shared ? sharedCluster(shared) : await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  const postgres: Backend = {
    name: 'postgres',
    databaseUrl: async () => {
      if (!cluster) throw new Error('PostgreSQL did not start');
      return cluster.createDatabase();
    },
    postgres: () => cluster,
  };
  return [sqlite, postgres];
}
