import { afterAll, beforeAll } from 'vitest';
import { postgresUnavailableReason, startPostgres, type TestPostgres } from './postgres.js';

export type BackendName = 'sqlite' | 'postgres';

export interface Backend {
  readonly name: BackendName;
  /** undefined for SQLite (the embedded file in the data directory); a fresh database's URL for PostgreSQL. */
  databaseUrl(): Promise<string | undefined>;
  /** The PostgreSQL cluster, when this file started one. */
  postgres(): TestPostgres | null;
}

/**
 * The backends a test file runs its suite against, for describe.each. PostgreSQL is started once per
 * file (beforeAll) and stopped after it. Outside CI a machine without PostgreSQL runs SQLite only and
 * says so; in CI that is an error (postgresUnavailableReason throws).
 */
export function testBackends(): Backend[] {
  const sqlite: Backend = { name: 'sqlite', databaseUrl: async () => undefined, postgres: () => null };
  const reason = postgresUnavailableReason();
  if (reason) {
    console.warn(`[server tests] skipping the PostgreSQL run: ${reason}`);
    return [sqlite];
  }
  let cluster: TestPostgres | null = null;
  beforeAll(async () => {
    cluster = await startPostgres();
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
