import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeSqliteUnavailableError, nodeSqliteAvailable, nodeSqliteDriver, type SqlDatabase } from '../../../../src/main/store/index.js';
import { makeTempDir, openTestConnection, testDriver, type TestDir } from './store-fixtures.js';

/**
 * What the store relies on from a SQLite driver (src/main/store/sqlite/driver.ts), on the driver the store tests run
 * on: better-sqlite3 under the suite's Node, node:sqlite when tests/integration/store/node-sqlite-lane.test.ts runs
 * this folder again under Node 22. The same assertions on both is what makes the second driver a stand-in.
 */
describe(`the SQLite driver (${testDriver.name})`, () => {
  let dir: TestDir;
  let db: SqlDatabase;
  beforeEach(() => {
    dir = makeTempDir();
    db = openTestConnection(join(dir.path, 'driver.db'));
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, data BLOB, UNIQUE (n))');
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  it('binds named parameters without their prefix, ignoring keys the statement does not name, and counts changes', () => {
    const insert = db.prepare<[{ id: string; n: number; data: Buffer | null }]>('INSERT INTO t (id, n, data) VALUES (@id, @n, @data)');
    const record = { id: 'a', n: 1, data: null, notAColumn: 'ignored' };
    expect(insert.run(record).changes).toBe(1);
    expect(db.prepare<[string, number]>('UPDATE t SET n = n + 1 WHERE id = ? AND n = ?').run('a', 1).changes).toBe(1);
    expect(db.prepare<[string], { id: string; n: number }>('SELECT id, n FROM t WHERE id = ?').get('a')).toEqual({ id: 'a', n: 2 });
    expect(db.prepare('SELECT id FROM t WHERE id = ?').get('missing')).toBeUndefined();
  });

  it('returns blobs as Buffers with the same bytes', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    db.prepare('INSERT INTO t (id, n, data) VALUES (?, ?, ?)').run('b', 1, bytes);
    const row = db.prepare<[], { data: Buffer }>('SELECT data FROM t').get();
    expect(Buffer.isBuffer(row?.data)).toBe(true);
    expect(row?.data.equals(bytes)).toBe(true);
    expect(db.prepare<[], { data: Buffer }>('SELECT data FROM t').all().map((r) => Buffer.isBuffer(r.data))).toEqual([true]);
  });

  it("names SQLite's errors as the store classifies them", () => {
    db.prepare('INSERT INTO t (id, n) VALUES (?, ?)').run('a', 1);
    expect(() => db.prepare('INSERT INTO t (id, n) VALUES (?, ?)').run('a', 2)).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }));
    expect(() => db.prepare('INSERT INTO t (id, n) VALUES (?, ?)').run('b', 1)).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_UNIQUE' }));
    expect(() => db.prepare('INSERT INTO t (id, n) VALUES (?, NULL)').run('c')).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_NOTNULL' }));
    expect(() => db.exec('SELECT nope FROM nowhere')).toThrow(expect.objectContaining({ code: 'SQLITE_ERROR' }));
  });

  it('runs a transaction whole or not at all; a nested one rolls back alone', () => {
    const insert = db.prepare<[string, number]>('INSERT INTO t (id, n) VALUES (?, ?)');
    const ids = (): string[] => db.prepare<[], { id: string }>('SELECT id FROM t ORDER BY id').all().map((r) => r.id);
    expect(db.transaction((id: string) => (insert.run(id, 1), db.inTransaction))('a')).toBe(true);
    expect(db.inTransaction).toBe(false);
    expect(() =>
      db.transaction(() => {
        insert.run('b', 2);
        throw new Error('stop');
      })(),
    ).toThrow('stop');
    db.transaction(() => {
      insert.run('c', 3);
      expect(() => db.transaction(() => insert.run('d', 3))()).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_UNIQUE' }));
      db.transaction(() => insert.run('e', 5)).immediate();
    }).immediate();
    expect(ids()).toEqual(['a', 'c', 'e']);
  });

  it('reads pragmas as rows or as one value', () => {
    expect(db.pragma('journal_mode = WAL', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    db.pragma('user_version = 7');
    expect(db.pragma('user_version')).toEqual([{ user_version: 7 }]);
  });

  it('calls a JS function from a trigger, and a loop that stops early leaves no read open (the WAL truncates)', () => {
    db.pragma('journal_mode = WAL');
    const seen: number[] = [];
    db.function('noted', { deterministic: false }, (n: never) => (seen.push(n), null));
    db.exec('CREATE TEMP TRIGGER t_deleted AFTER DELETE ON main.t BEGIN SELECT noted(old.n); END');
    const insert = db.prepare<[string, number]>('INSERT INTO t (id, n) VALUES (?, ?)');
    for (let i = 0; i < 5; i += 1) insert.run(`r${i}`, i);
    let first: string | undefined;
    for (const row of db.prepare<[], { id: string }>('SELECT id FROM t ORDER BY n').iterate()) {
      first = row.id;
      break;
    }
    db.prepare('DELETE FROM t WHERE id = ?').run(first);
    expect(seen).toEqual([0]);
    const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    expect(checkpoint?.busy).toBe(0);
    expect(statSync(join(dir.path, 'driver.db-wal')).size).toBe(0);
  });

  it('opens read-only only a file that exists, and refuses writes through it', () => {
    expect(() => openTestConnection(join(dir.path, 'absent.db'), { readonly: true })).toThrow();
    expect(existsSync(join(dir.path, 'absent.db'))).toBe(false);
    const reader = openTestConnection(join(dir.path, 'driver.db'), { readonly: true });
    try {
      expect(() => reader.exec("INSERT INTO t (id, n) VALUES ('x', 9)")).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
    } finally {
      reader.close();
    }
  });
});

describe('node:sqlite where Node lacks it', () => {
  it('refuses to open with a named error on a Node without node:sqlite (the suite\'s Node 20), and opens on Node ≥ 22.16', () => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const expected = major > 22 || (major === 22 && minor >= 16);
    expect(nodeSqliteAvailable()).toBe(expected);
    if (expected) nodeSqliteDriver.open(':memory:').close();
    else expect(() => nodeSqliteDriver.open(':memory:')).toThrow(NodeSqliteUnavailableError);
  });
});
