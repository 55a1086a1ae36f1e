import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { SqlDatabase, SqlExecutor, SqlValue } from '../sql.js';

/** A transaction waiting for its batch, and how to answer its caller once the batch is durable. */
interface BatchMember {
  readonly work: (tx: SqlExecutor) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Transactions that share one COMMIT: at most this many, so one batch never holds the writer for long. */
const MAX_BATCH = 64;

/**
 * SQLite through better-sqlite3 (synchronous). One connection serves the whole process, so async
 * callers must not interleave inside a transaction: every call waits its turn on a promise chain.
 * Inside a transaction use only the executor it hands you: the database's own methods would wait for
 * that same transaction to end.
 *
 * Group commit: with synchronous=FULL every COMMIT waits for an fsync, on the event loop (better-
 * sqlite3 is synchronous), and under load those waits filled most of the loop's time, so requests
 * queued unread in front of it (the 500-agent benchmark's p99 tail). Transactions that arrive while
 * others wait their turn therefore run one after another inside ONE SQLite transaction, each in its
 * own savepoint (a member that throws is rolled back alone), and share one COMMIT and one fsync. A
 * batch starts at its first member's place in the queue, after the rest of that event-loop turn.
 * Durability is unchanged: no member's promise resolves before the COMMIT that holds it returned,
 * and a failed COMMIT fails every member. Reads queued between batches never see a batch uncommitted.
 *
 *   queue:  [read] [batch: tx1 tx2 tx3 ... ] [read] [batch: tx4 ...]
 *                   BEGIN · SAVEPOINT/RELEASE per tx · COMMIT (one fsync) · then tx1..3 resolve
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private queue: Promise<unknown> = Promise.resolve();
  /** The batch queued but not started yet: new transactions join it. */
  private openBatch: BatchMember[] | null = null;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    // Freed pages are overwritten with zeros, so deleted rows do not linger in the file.
    this.db.pragma('secure_delete = ON');
  }

  private executor(): SqlExecutor {
    return {
      all: async <T>(sql: string, params: readonly SqlValue[] = []) => this.prepare(sql).all(...params) as T[],
      get: async <T>(sql: string, params: readonly SqlValue[] = []) => this.prepare(sql).get(...params) as T | undefined,
      run: async (sql: string, params: readonly SqlValue[] = []) => ({ changes: this.prepare(sql).run(...params).changes }),
    };
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `task` after everything queued before it; a failure does not poison the queue. */
  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.serialize(() => this.executor().all<T>(sql, params));
  }

  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.serialize(() => this.executor().get<T>(sql, params));
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.serialize(() => this.executor().run(sql, params));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const member: BatchMember = { work, resolve: resolve as (value: unknown) => void, reject };
      if (this.openBatch && this.openBatch.length < MAX_BATCH) {
        this.openBatch.push(member);
        return;
      }
      const batch = [member];
      this.openBatch = batch;
      void this.serialize(async () => {
        // Everything here is synchronous, so without a pause the queue is empty whenever a request
        // arrives and no batch would ever have a second member. Waiting for the rest of this event-loop
        // turn lets the transactions of the other requests read in the same turn join; behind an idle
        // queue it costs one turn.
        await nextTurn();
        if (this.openBatch === batch) this.openBatch = null; // closed: later transactions start the next batch
        await this.runBatch(batch);
      });
    });
  }

  /** Runs the members in one transaction, each in a savepoint; answers them once the COMMIT returned. */
  private async runBatch(batch: readonly BatchMember[]): Promise<void> {
    const done: Array<{ member: BatchMember; value: unknown }> = [];
    const answered = new Set<BatchMember>();
    const refuse = (member: BatchMember, error: unknown) => {
      answered.add(member);
      member.reject(error);
    };
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const [index, member] of batch.entries()) {
        this.db.exec('SAVEPOINT member');
        let value: unknown;
        try {
          value = await member.work(this.executor());
        } catch (error) {
          refuse(member, error);
          if (this.db.inTransaction) {
            this.db.exec('ROLLBACK TO member');
            this.db.exec('RELEASE member');
            continue;
          }
          // SQLite ended the whole transaction itself (an I/O error, a full disk): the members before
          // this one were lost with it; the ones after it get a batch of their own.
          for (const d of done) refuse(d.member, error);
          const rest = batch.slice(index + 1);
          if (rest.length > 0) void this.serialize(() => this.runBatch(rest));
          return;
        }
        this.db.exec('RELEASE member');
        done.push({ member, value });
      }
      this.db.exec('COMMIT');
    } catch (error) {
      // BEGIN, a savepoint step or the COMMIT failed: nothing of this batch is durable.
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } finally {
        for (const m of batch) if (!answered.has(m)) refuse(m, error);
      }
      return;
    }
    for (const d of done) d.member.resolve(d.value);
  }

  async withoutForeignKeys<T>(work: () => Promise<T>): Promise<T> {
    // A pragma SQLite ignores inside a transaction: it goes through the queue, between batches.
    await this.serialize(async () => this.db.pragma('foreign_keys = OFF'));
    try {
      return await work();
    } finally {
      await this.serialize(async () => this.db.pragma('foreign_keys = ON'));
    }
  }

  /** One process owns an SQLite file (a second one, the purge command, is safe to overlap): nothing to lock. */
  async exclusively<T>(_name: string, work: () => Promise<T>): Promise<{ ran: true; value: T }> {
    return { ran: true, value: await work() };
  }

  async ping(): Promise<void> {
    await this.get('SELECT 1');
  }

  async close(): Promise<void> {
    await this.serialize(async () => this.db.close());
  }
}
