/**
 * The part of SQLite the store uses, as one small interface with two drivers behind it:
 * - better-sqlite3 (better-sqlite3.ts): the production driver everywhere; its Database *is* this interface, so the
 *   store calls it directly, with nothing in between;
 * - Node's built-in `node:sqlite` (node-sqlite.ts, Node ≥ 22.13): the same store where no better-sqlite3 binary can
 *   load, which is the Wine lane (the Windows node.exe; better-sqlite3 has no win32 build there: native/README.md).
 *
 * The shapes are better-sqlite3's (named parameters without their prefix, Buffers for blobs, `changes`), so the
 * repositories read the same whichever driver runs under them. Errors from SQLite carry its result code's name in
 * `code` ("SQLITE_FULL", "SQLITE_CONSTRAINT_UNIQUE"), which is what store/errors.ts classifies.
 */

export interface SqlRunResult {
  readonly changes: number;
  readonly lastInsertRowid: number | bigint;
}

/** A prepared statement. `P` is the tuple of its parameters (one object for named ones), `R` one row. */
export interface SqlStatement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): SqlRunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
  iterate(...params: P): IterableIterator<R>;
}

/**
 * `fn` run in one transaction: BEGIN … COMMIT, or a savepoint inside an open one; a throw rolls back and is rethrown.
 * The variants choose how the outermost transaction begins (DEFERRED by default).
 */
export interface SqlTransaction<F extends SqlTransactionFunction> {
  (...args: TransactionArgs<F>): ReturnType<F>;
  default(...args: TransactionArgs<F>): ReturnType<F>;
  deferred(...args: TransactionArgs<F>): ReturnType<F>;
  immediate(...args: TransactionArgs<F>): ReturnType<F>;
  exclusive(...args: TransactionArgs<F>): ReturnType<F>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as better-sqlite3 declares it, so its Database fits
export type SqlTransactionFunction = (...args: any[]) => unknown;
type TransactionArgs<F extends SqlTransactionFunction> = F extends (...args: infer A) => unknown ? A : never;

export interface SqlFunctionOptions {
  readonly deterministic?: boolean;
}

export interface SqlDatabase {
  /** Whether a transaction is open on this connection (SQLite's own answer: a failed COMMIT may have ended it). */
  readonly inTransaction: boolean;
  // `{}` as better-sqlite3 declares it: with `object` a statement's parameter tuple is no longer inferred from its field.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  prepare<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): P extends unknown[] ? SqlStatement<P, R> : SqlStatement<[P], R>;
  exec(sql: string): this;
  /** `PRAGMA <source>`: its rows, or with `simple` the first column of the first row. */
  pragma(source: string, options?: { readonly simple?: boolean }): unknown;
  transaction<F extends SqlTransactionFunction>(fn: F): SqlTransaction<F>;
  /** A SQL function implemented in JS (the screenshot eraser's trigger calls one). */
  function(name: string, options: SqlFunctionOptions, fn: (...args: never[]) => unknown): this;
  close(): this;
}

export interface SqlOpenOptions {
  /** Open an existing file for reading only (fails when it does not exist). */
  readonly readonly?: boolean;
  /** How long a statement waits for another connection's lock before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
}

export interface SqliteDriver {
  /** 'better-sqlite3' or 'node:sqlite': what `worktrace status`, benches and tests call it. */
  readonly name: string;
  /** Opens (creating unless read-only) a database file, or ':memory:'. Throws SQLite's error as the driver raises it. */
  open(file: string, options?: SqlOpenOptions): SqlDatabase;
}
