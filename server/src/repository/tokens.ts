import type { SqlExecutor } from './sql.js';
import type { UserRow } from './types.js';

/** Bearer tokens, stored only as their SHA-256: a copy of the database signs nobody in. */
export class TokensRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async create(tokenHash: string, userId: string, createdAt: number, expiresAt: number): Promise<void> {
    await this.sql.run('INSERT INTO tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
      tokenHash,
      userId,
      createdAt,
      expiresAt,
    ]);
  }

  /** The user behind a token that has not expired at `now`, unless the account was disabled. */
  findUser(tokenHash: string, now: number): Promise<UserRow | undefined> {
    return this.sql.get<UserRow>(
      `SELECT u.id, u.email, u.name, u.password_hash AS "passwordHash", u.created_at AS "createdAt", u.disabled_at AS "disabledAt"
         FROM tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = ? AND t.expires_at > ? AND u.disabled_at IS NULL`,
      [tokenHash, now],
    );
  }

  /**
   * Revokes one token of `userId` for good: the row goes, so the token is unknown from then on. Returns whether
   * there was such a token. Other tokens of the same user are untouched.
   */
  async revoke(tokenHash: string, userId: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM tokens WHERE token_hash = ? AND user_id = ?', [tokenHash, userId])).changes === 1;
  }

  /** Revokes every token of `userId` (sign out everywhere); returns how many there were. */
  async revokeAll(userId: string): Promise<number> {
    return (await this.sql.run('DELETE FROM tokens WHERE user_id = ?', [userId])).changes;
  }

  async deleteExpired(now: number): Promise<number> {
    return (await this.sql.run('DELETE FROM tokens WHERE expires_at <= ?', [now])).changes;
  }
}
