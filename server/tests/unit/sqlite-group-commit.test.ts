import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../../src/repository/sqlite/database.js';

/**
 * Group commit in SqliteDatabase: concurrent transactions share one COMMIT (one fsync), yet each
 * still answers only once it is committed, a member that throws is rolled back alone, and a COMMIT
 * that fails fails every member. A second, independent connection to the same file is the witness
 * of what is committed.
 */
describe('SqliteDatabase group commit', () => {
  let dir: string;
  let file: string;
  let db: SqliteDatabase;
  let witness: Database.Database;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wt-group-commit-'));
    file = join(dir, 'db.sqlite');
    db = new SqliteDatabase(file);
    await db.run('CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL)');
    await db.run('CREATE TABLE notes (id INTEGER PRIMARY KEY, item INTEGER REFERENCES items(id) DEFERRABLE INITIALLY DEFERRED)');
    // Everything so far checkpointed, so the WAL's frame count below is what the transactions wrote.
    await db.get('PRAGMA wal_checkpoint(TRUNCATE)');
    witness = new Database(file, { readonly: true });
  });
  afterEach(async () => {
    witness.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const committed = (id: number) => witness.prepare('SELECT label FROM items WHERE id = ?').get(id) as { label: string } | undefined;

  it('answers each of many concurrent transactions only once it is committed, with far fewer commits than transactions', async () => {
    const count = 60;
    const seenAtAnswer: Array<string | undefined> = [];
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        db
          .transaction(async (tx) => {
            await tx.run('INSERT INTO items (id, label) VALUES (?, ?)', [i, `item ${i}`]);
            return (await tx.get<{ n: number }>('SELECT count(*) AS n FROM items'))!.n;
          })
          .then((inside) => {
            expect(inside).toBeGreaterThan(0);
            seenAtAnswer[i] = committed(i)?.label;
          }),
      ),
    );
    expect(seenAtAnswer).toEqual(Array.from({ length: count }, (_, i) => `item ${i}`));
    // One commit per transaction would append at least one WAL frame each.
    const wal = await db.get<{ log: number }>('PRAGMA wal_checkpoint(PASSIVE)');
    expect(wal!.log).toBeGreaterThan(0);
    expect(wal!.log).toBeLessThan(count / 4);
  });

  it('rolls back a member that throws, alone: the others in its batch commit', async () => {
    const outcomes = await Promise.allSettled([
      db.transaction(async (tx) => tx.run('INSERT INTO items (id, label) VALUES (1, ?)', ['kept'])),
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO items (id, label) VALUES (2, ?)', ['thrown away']);
        throw new Error('refused by a rule');
      }),
      db.transaction(async (tx) => tx.run('INSERT INTO items (id, label) VALUES (1, ?)', ['a duplicate key'])),
      db.transaction(async (tx) => tx.run('INSERT INTO items (id, label) VALUES (3, ?)', ['kept too'])),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect([committed(1)?.label, committed(2), committed(3)?.label]).toEqual(['kept', undefined, 'kept too']);
  });

  it('fails every member of a batch whose COMMIT fails, and keeps none of them', async () => {
    const outcomes = await Promise.allSettled([
      db.transaction(async (tx) => tx.run('INSERT INTO items (id, label) VALUES (10, ?)', ['innocent'])),
      // A deferred foreign key is checked at COMMIT only: this member makes the shared COMMIT fail.
      db.transaction(async (tx) => tx.run('INSERT INTO notes (id, item) VALUES (1, 999)')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(committed(10)).toBeUndefined();
    // The connection is usable afterwards.
    await db.transaction(async (tx) => tx.run('INSERT INTO items (id, label) VALUES (11, ?)', ['after']));
    expect(committed(11)?.label).toBe('after');
  });

  it('never lets a read queued behind a batch see it before it is committed', async () => {
    const write = db.transaction(async (tx) => tx.run('INSERT INTO items (id, label) VALUES (20, ?)', ['written']));
    const read = db.get<{ label: string }>('SELECT label FROM items WHERE id = 20').then((row) => ({ row, committedThen: committed(20) }));
    await write;
    const { row, committedThen } = await read;
    if (row) expect(committedThen?.label).toBe('written');
  });
});
