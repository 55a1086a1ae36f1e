import type { SqlDialect, SqlExecutor } from './sql.js';

/** The sign-in limits' records (http/limit-records.ts): opaque JSON text per (kind, hashed key). */
export class SignInLimitsRepository {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly dialect: SqlDialect,
  ) {}

  /**
   * The record's text under a row lock held to the end of the transaction (PostgreSQL: FOR UPDATE; SQLite has one
   * writer anyway); undefined when there is none yet. Call inside a transaction.
   */
  async lock(kind: string, key: string, now: number): Promise<string | undefined> {
    // An empty record first, so that there is a row to lock even for the very first attempt.
    await this.sql.run(`INSERT INTO sign_in_limits (kind, key, record, updated_at) VALUES (?, ?, '', ?) ON CONFLICT (kind, key) DO NOTHING`, [kind, key, now]);
    const suffix = this.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const row = await this.sql.get<{ record: string }>(`SELECT record FROM sign_in_limits WHERE kind = ? AND key = ?${suffix}`, [kind, key]);
    return row?.record || undefined;
  }

  async save(kind: string, key: string, record: string, now: number): Promise<void> {
    await this.sql.run('UPDATE sign_in_limits SET record = ?, updated_at = ? WHERE kind = ? AND key = ?', [record, now, kind, key]);
  }

  async find(kind: string, key: string): Promise<string | undefined> {
    const row = await this.sql.get<{ record: string }>('SELECT record FROM sign_in_limits WHERE kind = ? AND key = ?', [kind, key]);
    return row?.record || undefined;
  }

  /** Drops the records nobody touched since `before`. */
  async deleteUnusedSince(before: number): Promise<number> {
    return (await this.sql.run('DELETE FROM sign_in_limits WHERE updated_at < ?', [before])).changes;
  }
}
