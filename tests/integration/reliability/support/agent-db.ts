import Database from 'better-sqlite3';
import { join } from 'node:path';

/**
 * What a reliability test reads from the agent's database while the agent is down (killed or stopped): health,
 * recorded time and the upload queue. The file is opened read-only, so the look itself changes nothing the
 * next run of the agent will see.
 */
export interface AgentDbHealth {
  /** `PRAGMA integrity_check`: 'ok', or SQLite's first complaints joined. */
  readonly integrity: string;
  /** Rows that break a foreign key (a minute without its segment, ...): 0 on a healthy file. */
  readonly foreignKeyViolations: number;
  /** Sum of every minute's tracked milliseconds: the time the agent has durably recorded. */
  readonly trackedMs: number;
  readonly segments: number;
  readonly screenshots: number;
  /** Outbox rows not yet delivered (parked ones included). */
  readonly queued: number;
  /** Of those, screenshots. */
  readonly queuedScreenshots: number;
}

export function agentDatabaseFile(dataDir: string): string {
  return join(dataDir, 'worktrace.db');
}

export function inspectAgentDb(dataDir: string): AgentDbHealth {
  const db = new Database(agentDatabaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).join('; ');
    const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    return {
      integrity,
      foreignKeyViolations: (db.pragma('foreign_key_check') as unknown[]).length,
      trackedMs: count('SELECT coalesce(sum(tracked_ms), 0) AS n FROM minutes'),
      segments: count('SELECT count(*) AS n FROM segments'),
      screenshots: count('SELECT count(*) AS n FROM screenshots'),
      queued: count('SELECT count(*) AS n FROM outbox'),
      queuedScreenshots: count("SELECT count(*) AS n FROM outbox WHERE kind = 'screenshot'"),
    };
  } finally {
    db.close();
  }
}
