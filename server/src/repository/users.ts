import type { SqlDialect, SqlExecutor } from './sql.js';
import type { UserRow } from './types.js';

const COLUMNS = 'id, email, name, password_hash AS "passwordHash", created_at AS "createdAt", disabled_at AS "disabledAt"';

/** Accounts. An email is one account, in any letter case (stored lower case). */
export class UsersRepository {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly dialect: SqlDialect,
  ) {}

  async create(user: UserRow): Promise<void> {
    await this.sql.run('INSERT INTO users (id, email, name, password_hash, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?)', [
      user.id,
      user.email.toLowerCase(),
      user.name,
      user.passwordHash,
      user.createdAt,
      user.disabledAt,
    ]);
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.sql.get<UserRow>(`SELECT ${COLUMNS} FROM users WHERE email = ?`, [email.toLowerCase()]);
  }

  findById(id: string): Promise<UserRow | undefined> {
    return this.sql.get<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = ?`, [id]);
  }

  /**
   * Inside a transaction: holds the user's row until commit, so the segment uploads of one freelancer take
   * turns across all their contracts on PostgreSQL (the rule that bills a minute once reads the other
   * contracts' segments). FOR NO KEY UPDATE rather than FOR UPDATE: a sign-in inserting a token that
   * references the row is not held up. SQLite transactions are already serial.
   */
  async lockForUploads(id: string): Promise<boolean> {
    const suffix = this.dialect === 'postgres' ? ' FOR NO KEY UPDATE' : '';
    return (await this.sql.get(`SELECT id FROM users WHERE id = ?${suffix}`, [id])) !== undefined;
  }

  list(): Promise<UserRow[]> {
    return this.sql.all<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY created_at, id`);
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.sql.run('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, id]);
  }

  /** Returns false when there is no such account or it was disabled already. */
  async disable(id: string, at: number): Promise<boolean> {
    return (await this.sql.run('UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL', [at, id])).changes === 1;
  }
}
