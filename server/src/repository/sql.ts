/**
 * The narrow SQL surface the repositories use, with one implementation per database. Statements use
 * `?` placeholders (the PostgreSQL driver numbers them); values are numbers, strings or null only:
 * times are epoch milliseconds, booleans 0/1, lists JSON text. That keeps one set of queries valid on
 * both databases, while each database keeps its own migrations.
 */
export type SqlValue = string | number | null;

export interface SqlExecutor {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
}

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * Messages between server processes sharing one database (PostgreSQL LISTEN/NOTIFY). SQLite has no
 * such thing: it is one process by design.
 */
export interface SqlNotifications {
  publish(channel: string, payload: string): Promise<void>;
  /** Resolves once listening; the returned function stops it. */
  subscribe(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: SqlDialect;
  readonly notifications?: SqlNotifications;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs `work` with foreign keys unenforced, for a migration that rebuilds a table (SQLite, which has no ALTER
   * COLUMN): dropping the old table must not cascade to the rows that point at it. Absent where not needed.
   */
  withoutForeignKeys?<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Runs `work` while holding the lock `name` across every process on the database, or not at all when another
   * holds it (`ran: false`). The lock goes with the connection, so a process that dies lets go of it.
   */
  exclusively<T>(name: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  /** Answers when the database answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One numbered, append-only schema step. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * The step drops and recreates a table others refer to: it runs without foreign key enforcement, and every
   * reference is checked before it commits (a dangling one rolls it back).
   */
  readonly rebuildsTables?: boolean;
}

/** Raised when the database was written by a newer server: refuse rather than guess. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  readonly code = 'SCHEMA_TOO_NEW';
  constructor(found: number, known: number) {
    super(`the database has schema version ${found}, this server knows up to ${known}: upgrade the server`);
  }
}

/** Applies the migrations not yet recorded in schema_migrations, each in its own transaction. */
export async function migrate(db: SqlDatabase, migrations: readonly Migration[], now: number): Promise<number> {
  await db.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const row = await db.get<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  const current = Number(row?.v ?? 0);
  if (current > latest) throw new SchemaTooNewError(current, latest);
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    const apply = () =>
      db.transaction(async (tx) => {
        for (const statement of splitStatements(m.sql)) await tx.run(statement);
        if (m.rebuildsTables && db.withoutForeignKeys) {
          const dangling = await tx.all<{ table: string }>('PRAGMA foreign_key_check');
          if (dangling.length > 0) throw new Error(`migration ${m.version} would leave ${dangling.length} dangling reference(s), first in ${dangling[0]?.table}`);
        }
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now]);
      });
    await (m.rebuildsTables && db.withoutForeignKeys ? db.withoutForeignKeys(apply) : apply());
  }
  return latest;
}

/** Migrations are plain DDL without semicolons inside literals, so splitting on `;` is safe. */
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
