import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { listFiles } from './files.js';
import type { TestServer } from './server.js';

/**
 * Everything a test server holds, in a form two moments can be compared by: per table of the
 * database (whatever tables the migrations made, found by asking the database) its row count and a
 * digest of every row, and the storage directory's file list. "Nothing was stored" means equal states.
 */
export interface ServerState {
  readonly tables: Readonly<Record<string, { readonly rows: number; readonly digest: string }>>;
  readonly storageFiles: readonly string[];
}

export interface StateReader {
  read(): Promise<ServerState>;
  close(): Promise<void>;
}

type Row = Record<string, unknown>;

/**
 * Left out of the comparison: the sign-in limits' records (PostgreSQL keeps them in a table so that every instance
 * counts the same). A refused guess is meant to be counted there; that is the limit working, not the caller storing.
 */
const BOOKKEEPING = new Set(['sign_in_limits']);

function summarise(rows: Row[]): { rows: number; digest: string } {
  // Row order is whatever the database chose; sorting the serialised rows makes the digest order-free.
  const lines = rows.map((row) => JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))).sort();
  return { rows: rows.length, digest: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

/** Opens a second, read-only connection to the server's database (SQLite file or PostgreSQL URL). */
export async function openStateReader(server: TestServer): Promise<StateReader> {
  const storage = () => listFiles(server.storageDir).map((file) => relative(server.storageDir, file)).sort();
  if (server.databaseUrl === undefined) {
    const db = new Database(join(server.dataDir, 'worktrace.db'), { readonly: true, fileMustExist: true });
    return {
      async read() {
        const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
        const tables: Record<string, { rows: number; digest: string }> = {};
        for (const { name } of names) if (!BOOKKEEPING.has(name)) tables[name] = summarise(db.prepare(`SELECT * FROM "${name}"`).all() as Row[]);
        return { tables, storageFiles: storage() };
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  return {
    async read() {
      const names = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
      );
      const tables: Record<string, { rows: number; digest: string }> = {};
      for (const { table_name: name } of names.rows) {
        if (!BOOKKEEPING.has(name)) tables[name] = summarise((await client.query<Row>(`SELECT * FROM "${name}"`)).rows);
      }
      return { tables, storageFiles: storage() };
    },
    async close() {
      await client.end();
    },
  };
}
