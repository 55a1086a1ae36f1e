import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sniffImageType } from '../../src/domain/image.js';
import { numberPlaceholders } from '../../src/repository/postgres/database.js';
import { migrate, SchemaTooNewError } from '../../src/repository/sql.js';
import { SqliteDatabase } from '../../src/repository/sqlite/database.js';
import { sqliteMigrations } from '../../src/repository/sqlite/migrations/index.js';
import { DiskScreenshotStorage } from '../../src/storage/disk.js';
import { StorageKeyError } from '../../src/storage/types.js';
import { fakeJpeg, fakeWebp } from '../support/server.js';

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
    expect(await migrate(db, sqliteMigrations, 1)).toBe(sqliteMigrations.length);
    expect(await migrate(db, sqliteMigrations, 2)).toBe(sqliteMigrations.length);
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    expect(tables.map((t) => t.name)).toEqual(['contracts', 'policy_versions', 'schema_migrations', 'screenshots', 'segments', 'tokens', 'users']);
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
        await tx.run("INSERT INTO users (id, email, role, password_hash, created_at) VALUES ('u1', 'a@b.c', 'client', 'x', 0)");
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

describe('sniffImageType', () => {
  it('knows JPEG and WebP by their signatures only', () => {
    expect(sniffImageType(fakeJpeg())).toBe('image/jpeg');
    expect(sniffImageType(fakeWebp())).toBe('image/webp');
    expect(sniffImageType(Buffer.from('RIFF0000WAVEfmt '))).toBeUndefined();
    expect(sniffImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBeUndefined();
    expect(sniffImageType(Buffer.alloc(0))).toBeUndefined();
  });
});
