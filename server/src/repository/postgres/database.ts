import pg from 'pg';
import type { SqlDatabase, SqlExecutor, SqlNotifications, SqlValue } from '../sql.js';

const INT8_OID = 20;

/** `?` placeholders become `$1, $2, …` (our statements never contain a literal question mark). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * PostgreSQL through a pg Pool. BIGINT columns hold epoch milliseconds, which fit a JS number, so
 * they are parsed as numbers rather than pg's default strings.
 */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  readonly notifications: SqlNotifications;

  constructor(connectionString: string, options: { maxConnections?: number } = {}) {
    this.pool = new pg.Pool({
      connectionString,
      max: options.maxConnections ?? 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client that loses its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.notifications = {
      publish: async (channel, payload) => {
        await this.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
      },
      subscribe: async (channel, handler) => {
        // LISTEN needs a connection of its own for as long as it listens.
        const client = await this.pool.connect();
        const onNotification = (message: pg.Notification) => {
          if (message.channel === channel && message.payload !== undefined) handler(message.payload);
        };
        client.on('notification', onNotification);
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        return async () => {
          client.off('notification', onNotification);
          await client.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
          client.release();
        };
      },
    };
  }

  private static executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
    return {
      all: async <T>(sql: string, params: readonly SqlValue[] = []) =>
        (await client.query(numberPlaceholders(sql), [...params])).rows as T[],
      get: async <T>(sql: string, params: readonly SqlValue[] = []) =>
        (await client.query(numberPlaceholders(sql), [...params])).rows[0] as T | undefined,
      run: async (sql: string, params: readonly SqlValue[] = []) => ({
        changes: (await client.query(numberPlaceholders(sql), [...params])).rowCount ?? 0,
      }),
    };
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return PostgresDatabase.executor(this.pool).all<T>(sql, params);
  }

  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return PostgresDatabase.executor(this.pool).get<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return PostgresDatabase.executor(this.pool).run(sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(PostgresDatabase.executor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async exclusively<T>(name: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    // A session-level advisory lock on a connection of its own, held while `work` runs on the pool.
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const got = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [name]);
      if (!got.rows[0]?.locked) return { ran: false };
      try {
        return { ran: true, value: await work() };
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]).catch((error: Error) => {
          broken = error; // a connection that cannot unlock is not given back to the pool holding the lock
        });
      }
    } finally {
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
