import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { postgresUnavailableReason, sharedCluster, type SharedPostgres } from '../support/postgres.js';

/**
 * The PostgreSQL cluster the server project starts once for the run (support/shared-postgres.ts): a file's share
 * gives it databases of its own, and stopping the share drops them, connections still open included, while the
 * cluster keeps serving the files beside it. Wherever PostgreSQL runs (in CI always) the cluster must be provided:
 * a globalSetup that stopped providing it would send every file back to an initdb of its own, slowly and silently.
 */
describe.runIf(!postgresUnavailableReason())('the shared PostgreSQL cluster', () => {
  const databases = async (adminUrl: string): Promise<string[]> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return (await client.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname);
    } finally {
      await client.end();
    }
  };
  const nameOf = (url: string) => new URL(url).pathname.slice(1);

  const provided = (): SharedPostgres => {
    const shared = inject('sharedPostgres');
    expect(shared, 'the server project provides its shared cluster (vitest.config.ts globalSetup)').toBeTruthy();
    return shared!;
  };

  it('gives a file databases of its own and drops them, open connections included, when the file stops', async () => {
    const shared = provided();
    const one = sharedCluster(shared);
    const other = sharedCluster(shared);
    const [a, b] = [await one.createDatabase(), await one.createDatabase()];
    const theirs = await other.createDatabase();
    expect(new Set([a, b, theirs]).size).toBe(3);
    const left = new pg.Client({ connectionString: a });
    await left.connect();
    left.on('error', () => undefined); // DROP ... WITH (FORCE) ends this connection
    await left.query('CREATE TABLE t (x int)');

    await one.stop();
    const after = await databases(shared.adminUrl);
    expect(after).not.toContain(nameOf(a));
    expect(after).not.toContain(nameOf(b));
    expect(after).toContain(nameOf(theirs)); // another file's database is untouched, and the cluster still answers
    await other.stop();
    expect(await databases(shared.adminUrl)).not.toContain(nameOf(theirs));
    await left.end().catch(() => undefined);
  });
});
