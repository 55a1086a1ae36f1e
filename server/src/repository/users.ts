import type { SqlDialect, SqlExecutor } from './sql.js';
import type { UserRow } from './types.js';

const COLUMNS = 'id, email, role, password_hash AS "passwordHash", created_at AS "createdAt"';

export class UsersRepository {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly dialect: SqlDialect,
  ) {}

  async create(user: UserRow): Promise<void> {
    await this.sql.run('INSERT INTO users (id, email, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)', [
      user.id,
      user.email.toLowerCase(),
      user.role,
      user.passwordHash,
      user.createdAt,
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
}
