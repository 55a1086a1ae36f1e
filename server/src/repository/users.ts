import type { SqlExecutor } from './sql.js';
import type { UserRow } from './types.js';

const COLUMNS = 'id, email, role, password_hash AS "passwordHash", created_at AS "createdAt"';

export class UsersRepository {
  constructor(private readonly sql: SqlExecutor) {}

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
}
