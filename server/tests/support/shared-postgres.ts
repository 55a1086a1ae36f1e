import type { TestProject } from 'vitest/node';
import { postgresUnavailableReason, startPostgres } from './postgres.js';

/**
 * The server project's globalSetup: one PostgreSQL cluster for the whole run instead of an initdb and a start in every
 * file that runs its suite on PostgreSQL (about forty files, several seconds each on a loaded machine). Each file
 * still gets databases of its own and drops them when it ends. Without PostgreSQL here (outside CI) it provides null
 * and the files run on SQLite only; in CI postgresUnavailableReason throws, and the run fails.
 */
export default async function startSharedPostgres(project: TestProject): Promise<() => Promise<void>> {
  if (postgresUnavailableReason()) {
    project.provide('sharedPostgres', null);
    return async () => undefined;
  }
  const cluster = await startPostgres();
  project.provide('sharedPostgres', cluster.shared);
  return () => cluster.stop();
}
