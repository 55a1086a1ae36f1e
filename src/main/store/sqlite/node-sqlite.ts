import { createRequire } from 'node:module';
import type { SqlDatabase, SqlFunctionOptions, SqlOpenOptions, SqlRunResult, SqlStatement, SqlTransaction, SqlTransactionFunction, SqliteDriver } from './driver.js';
import { resultCodeName } from './result-codes.js';

/**
 * The store over Node's built-in SQLite (`node:sqlite`, DatabaseSync), for a Node with no better-sqlite3 binary: the
 * Windows node.exe of the Wine lane. It gives the store better-sqlite3's shapes (driver.ts); what differs is made
 * equal here, each point checked by the store's own tests run on this driver:
 * - blobs come back as Uint8Array: turned into Buffers (views, no copy);
 * - an object with keys the statement does not name is an error there, ignored by better-sqlite3 (the repositories
 *   pass whole records): unknown named parameters are allowed;
 * - errors carry only SQLite's number (`errcode`): named as better-sqlite3 names them (result-codes.ts);
 * - there is no `transaction()` or `pragma()`: written below as better-sqlite3 documents them (BEGIN/COMMIT, a
 *   savepoint when nested, ROLLBACK on a throw unless SQLite already rolled back).
 * Requires Node ≥ 22.16 (isTransaction, function, iterate, setAllowUnknownNamedParameters); on an older Node, or
 * Node 20 where the module does not exist, open() throws a NodeSqliteUnavailableError saying so.
 */

/** The few members of node:sqlite this file uses (@types/node 20, the suite's Node, does not describe the module). */
interface NodeStatementSync {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Record<string, unknown>[];
  iterate(...params: unknown[]): IterableIterator<Record<string, unknown>>;
  setAllowUnknownNamedParameters(enabled: boolean): void;
}
interface NodeDatabaseSync {
  readonly isTransaction: boolean;
  prepare(sql: string): NodeStatementSync;
  exec(sql: string): void;
  function(name: string, options: SqlFunctionOptions, fn: (...args: never[]) => unknown): void;
  close(): void;
}
interface NodeSqliteModule {
  DatabaseSync: new (file: string, options?: { readOnly?: boolean }) => NodeDatabaseSync;
}

export class NodeSqliteUnavailableError extends Error {
  readonly code = 'ERR_NODE_SQLITE_UNAVAILABLE';
  override readonly name = 'NodeSqliteUnavailableError';
}

/** SQLite's error, named as better-sqlite3 names it: `code` is "SQLITE_BUSY", "SQLITE_CONSTRAINT_UNIQUE", ... */
export class NodeSqliteError extends Error {
  override readonly name = 'SqliteError';
  constructor(
    message: string,
    readonly code: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

let loaded: NodeSqliteModule | null = null;

function nodeSqlite(): NodeSqliteModule {
  if (loaded) return loaded;
  let module: NodeSqliteModule;
  try {
    // Loaded on first use, not imported: under Node 20 (the suite, the app's Electron) the module does not exist.
    module = createRequire(import.meta.url)('node:sqlite') as NodeSqliteModule;
  } catch (error) {
    throw new NodeSqliteUnavailableError(`node:sqlite is not available in Node ${process.version} (it needs 22.16 or later)`, { cause: error });
  }
  const probe = new module.DatabaseSync(':memory:');
  try {
    const statement = probe.prepare('SELECT 1');
    const missing = [
      typeof probe.isTransaction === 'boolean' ? null : 'isTransaction',
      typeof probe.function === 'function' ? null : 'function()',
      typeof statement.iterate === 'function' ? null : 'iterate()',
      typeof statement.setAllowUnknownNamedParameters === 'function' ? null : 'setAllowUnknownNamedParameters()',
    ].filter((name) => name !== null);
    if (missing.length > 0) {
      throw new NodeSqliteUnavailableError(`node:sqlite in Node ${process.version} lacks ${missing.join(', ')}: it needs 22.16 or later`);
    }
  } finally {
    probe.close();
  }
  loaded = module;
  return module;
}

/** node:sqlite throws `{ code: 'ERR_SQLITE_ERROR', errcode }` for SQLite's own failures; anything else passes as it is. */
function named(error: unknown): unknown {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== 'ERR_SQLITE_ERROR' || typeof errcode !== 'number') return error;
  return new NodeSqliteError(error.message, resultCodeName(errcode), { cause: error });
}

function attempt<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw named(error);
  }
}

/** Blob columns as Buffers (a view of the same memory), as better-sqlite3 returns them. */
function withBuffers<R>(row: Record<string, unknown> | undefined): R {
  if (row) {
    for (const key in row) {
      const value = row[key];
      if (value instanceof Uint8Array && !Buffer.isBuffer(value)) row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return row as R;
}

class NodeStatement<R> implements SqlStatement<unknown[], R> {
  constructor(private readonly statement: NodeStatementSync) {}

  run(...params: unknown[]): SqlRunResult {
    const result = attempt(() => this.statement.run(...params));
    return { changes: Number(result.changes), lastInsertRowid: result.lastInsertRowid };
  }

  get(...params: unknown[]): R | undefined {
    return withBuffers<R | undefined>(attempt(() => this.statement.get(...params)));
  }

  all(...params: unknown[]): R[] {
    return attempt(() => this.statement.all(...params)).map((row) => withBuffers<R>(row));
  }

  *iterate(...params: unknown[]): IterableIterator<R> {
    const rows = attempt(() => this.statement.iterate(...params));
    try {
      for (;;) {
        const next = attempt(() => rows.next());
        if (next.done === true) return;
        yield withBuffers<R>(next.value);
      }
    } finally {
      // A loop that stops early must reset the statement, or its read transaction stays open (and blocks checkpoints).
      rows.return?.();
    }
  }
}

const SAVEPOINT = '"worktrace.nested"';

class NodeSqliteDatabase implements SqlDatabase {
  constructor(private readonly db: NodeDatabaseSync) {}

  get inTransaction(): boolean {
    return this.db.isTransaction;
  }

  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the interface's signature (driver.ts)
  prepare<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): P extends unknown[] ? SqlStatement<P, R> : SqlStatement<[P], R> {
    const statement = attempt(() => this.db.prepare(sql));
    statement.setAllowUnknownNamedParameters(true);
    return new NodeStatement<R>(statement) as unknown as P extends unknown[] ? SqlStatement<P, R> : SqlStatement<[P], R>;
  }

  exec(sql: string): this {
    attempt(() => this.db.exec(sql));
    return this;
  }

  pragma(source: string, options: { readonly simple?: boolean } = {}): unknown {
    const rows = this.prepare<[], Record<string, unknown>>(`PRAGMA ${source}`).all();
    if (options.simple !== true) return rows;
    const first = rows[0];
    return first === undefined ? undefined : Object.values(first)[0];
  }

  transaction<F extends SqlTransactionFunction>(fn: F): SqlTransaction<F> {
    const inOne =
      (begin: string) =>
      (...args: unknown[]): ReturnType<F> => {
        const nested = this.db.isTransaction;
        this.exec(nested ? `SAVEPOINT ${SAVEPOINT}` : begin);
        try {
          const result = (fn as (...given: unknown[]) => ReturnType<F>)(...args);
          this.exec(nested ? `RELEASE ${SAVEPOINT}` : 'COMMIT');
          return result;
        } catch (error) {
          // SQLite rolls some failures back by itself (SQLITE_FULL, a failed COMMIT): only what is still open is undone.
          if (this.db.isTransaction) {
            if (nested) this.exec(`ROLLBACK TO ${SAVEPOINT}`).exec(`RELEASE ${SAVEPOINT}`);
            else this.exec('ROLLBACK');
          }
          throw error;
        }
      };
    return Object.assign(inOne('BEGIN'), {
      default: inOne('BEGIN'),
      deferred: inOne('BEGIN DEFERRED'),
      immediate: inOne('BEGIN IMMEDIATE'),
      exclusive: inOne('BEGIN EXCLUSIVE'),
    }) as SqlTransaction<F>;
  }

  function(name: string, options: SqlFunctionOptions, fn: (...args: never[]) => unknown): this {
    attempt(() => this.db.function(name, options, fn));
    return this;
  }

  close(): this {
    attempt(() => this.db.close());
    return this;
  }
}

export const nodeSqliteDriver: SqliteDriver = {
  name: 'node:sqlite',
  open(file: string, options: SqlOpenOptions = {}): SqlDatabase {
    const { DatabaseSync } = nodeSqlite();
    const db = new NodeSqliteDatabase(attempt(() => new DatabaseSync(file, { readOnly: options.readonly ?? false })));
    // better-sqlite3's `timeout` option is this same setting (sqlite3_busy_timeout).
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    return db;
  },
};

/** Whether this Node has a node:sqlite the driver can use (false under Node 20). */
export function nodeSqliteAvailable(): boolean {
  try {
    nodeSqlite();
    return true;
  } catch {
    return false;
  }
}
