import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { numberPlaceholders } from '../../src/repository/postgres/database.js';
import { migrate, SchemaTooNewError } from '../../src/repository/sql.js';
import { SqliteDatabase } from '../../src/repository/sqlite/database.js';
import { sqliteMigrations } from '../../src/repository/sqlite/migrations/index.js';
import { DiskScreenshotStorage } from '../../src/storage/disk.js';
import { StorageKeyError } from '../../src/storage/types.js';
import { fakeJpeg } from '../support/server.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wt-unit-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SQLite migrations', () => {
  it('apply on :memory: and again as a no-op', async () => {
    const db = new SqliteDatabase(':memory:');
    // The schema version is the last migration's number (numbers of work done in parallel may leave gaps).
    const latest = sqliteMigrations.at(-1)!.version;
    expect(await migrate(db, sqliteMigrations, 1)).toBe(latest);
    expect(await migrate(db, sqliteMigrations, 2)).toBe(latest);
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['contract_states', 'contracts', 'invitations', 'policy_versions', 'schema_migrations', 'screenshots', 'segments', 'sign_in_limits', 'storage_deletions', 'tokens', 'users']),
    );
    await db.close();
  });

  it('004 gives the policy versions already there an empty private-window list, and refuses a skip reason it does not know', async () => {
    const db = new SqliteDatabase(':memory:');
    await migrate(db, sqliteMigrations.filter((m) => m.version < 4), 1);
    await db.run("INSERT INTO users (id, email, role, password_hash, created_at) VALUES ('u', 'u@x', 'client', 'h', 0)");
    await db.run("INSERT INTO contracts (id, name, client_id, freelancer_id, segment_seconds, created_at) VALUES ('c', 'C', 'u', 'u', 600, 0)");
    await db.run("INSERT INTO policy_versions (contract_id, version, screenshots, retention_days, effective_from) VALUES ('c', 1, 'on', 30, 0)");
    await migrate(db, sqliteMigrations, 2);
    expect(await db.all('SELECT version, private_windows_json AS list FROM policy_versions')).toEqual([{ version: 1, list: '[]' }]);
    await db.run(
      "INSERT INTO segments (id, contract_id, started_at, length_seconds, tracked_seconds, idle_seconds, minutes_json, apps_json, created_at, updated_at) VALUES ('s', 'c', 0, 600, 0, 0, '[]', '[]', 0, 0)",
    );
    await expect(db.run("UPDATE segments SET screenshot_skipped = 'bored' WHERE id = 's'")).rejects.toThrow(/CHECK/);
    await db.run("UPDATE segments SET screenshot_skipped = 'private-window' WHERE id = 's'");
    await db.close();
  });

  it('refuse a database written by a newer server', async () => {
    const db = new SqliteDatabase(':memory:');
    await migrate(db, sqliteMigrations, 1);
    await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)', ['future']);
    await expect(migrate(db, sqliteMigrations, 2)).rejects.toBeInstanceOf(SchemaTooNewError);
    await db.close();
  });

  it('roll a failed transaction back', async () => {
    const db = new SqliteDatabase(':memory:');
    await migrate(db, sqliteMigrations, 1);
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ('u1', 'a@b.c', 'A', 'x', 0)");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.get('SELECT id FROM users')).toBeUndefined();
    await db.close();
  });
});

describe('PostgreSQL placeholders', () => {
  it('number the question marks in order', () => {
    expect(numberPlaceholders('SELECT ? , ?, (?)')).toBe('SELECT $1 , $2, ($3)');
  });
});

describe('DiskScreenshotStorage', () => {
  it('stores, reads and really deletes (no file, no temp file left)', async () => {
    const root = tempDir();
    const storage = new DiskScreenshotStorage(root);
    const bytes = fakeJpeg(1024);
    const key = await storage.put('01JABCDEFGHJKMNPQRSTVWXYZ0', bytes);
    expect((await storage.get(key))?.equals(bytes)).toBe(true);
    const path = join(root, key);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    await storage.delete(key);
    expect(await storage.get(key)).toBeUndefined();
    expect(readdirSync(join(root, key.split('/')[0]!))).toEqual([]);
    await storage.delete(key); // again: not an error
  });

  it('refuses keys that leave the root', async () => {
    const storage = new DiskScreenshotStorage(tempDir());
    for (const key of ['../etc/passwd', '/etc/passwd', 'a/../../b', '', 'a\u0000b']) {
      await expect(storage.get(key)).rejects.toBeInstanceOf(StorageKeyError);
      await expect(storage.delete(key)).rejects.toBeInstanceOf(StorageKeyError);
    }
  });
});

describe('DiskScreenshotStorage.keysWrittenBefore (the sweep at start)', () => {
  const collect = async (storage: DiskScreenshotStorage, before: number, batch = 2) => {
    const batches: string[][] = [];
    for await (const keys of storage.keysWrittenBefore(before, batch)) batches.push(keys);
    return batches;
  };

  it('lists stored keys written before the moment, in batches, and scrubs unfinished writes of that age', async () => {
    const root = tempDir();
    const storage = new DiskScreenshotStorage(root);
    expect(await collect(storage, Date.now())).toEqual([]); // nothing stored yet: no directory at all
    const old = await Promise.all(['01JAAAAAAAAAAAAAAAAAAAAAA0', '01JAAAAAAAAAAAAAAAAAAAAAA1', '7ZZZZZZZZZZZZZZZZZZZZZZZZ0'].map((id) => storage.put(id, fakeJpeg())));
    const young = await storage.put('01JAAAAAAAAAAAAAAAAAAAAAA2', fakeJpeg());
    const unfinished = join(root, '01', '.0123456789abcdef.tmp');
    writeFileSync(unfinished, fakeJpeg());
    const stranger = join(root, '01', 'notes.txt'); // not a name the storage gives: never listed, never touched
    writeFileSync(stranger, 'kept');
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const path of [...old.map((k) => join(root, k)), unfinished, stranger]) utimesSync(path, hourAgo, hourAgo);

    const batches = await collect(storage, Date.now() - 60_000);
    expect(batches.every((b) => b.length <= 2)).toBe(true);
    expect(batches.flat().sort()).toEqual([...old].sort());
    expect(batches.flat()).not.toContain(young);
    expect(readdirSync(join(root, '01')).sort()).toEqual([...old.filter((k) => k.startsWith('01/')), young].map((k) => k.slice(3)).concat('notes.txt').sort());
  });
});
