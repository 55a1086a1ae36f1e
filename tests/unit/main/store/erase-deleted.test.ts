import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Store, StoredScreenshot } from '../../../../src/main/store/index.js';
import { header, makeTempDir, minute, openTestConnection, openTestStore, recordShot, T0, type TestDir } from './store-fixtures.js';

/**
 * Issue 12 item 8 (on the device): a screenshot deleted here — by the freelancer, by the quota, after the server
 * refused it — leaves every file SQLite writes (worktrace.db, -wal, -shm) by the time the deletion returns, not at
 * some later checkpoint; and secure_delete is really in force on the connection that deletes.
 */
describe('deleted screenshots leave the database files at once', () => {
  let dir: TestDir;
  let file: string;
  let store: Store;
  beforeEach(() => {
    dir = makeTempDir();
    file = join(dir.path, 'worktrace.db');
    store = openTestStore(file, 'server');
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  const databaseFiles = () => [file, `${file}-wal`, `${file}-shm`].filter((f) => existsSync(f));

  /** 32-byte pieces of `blob` spread over it: random ciphertext, so none can turn up by chance. */
  function filesHolding(blob: Buffer): string[] {
    const pieces: Buffer[] = [];
    for (let offset = 0; offset + 32 <= blob.length; offset += Math.floor(blob.length / 16)) pieces.push(blob.subarray(offset, offset + 32));
    return databaseFiles().filter((f) => {
      const bytes = readFileSync(f);
      return pieces.some((piece) => bytes.includes(piece));
    });
  }

  /** A segment `index` segments after T0 with a minute of time and an encrypted-looking screenshot. */
  function shotIn(index: number, size = 60_000): StoredScreenshot {
    return recordShot(store, index, { data: randomBytes(size) });
  }

  /** Copies the WAL into the database file but keeps the WAL (as SQLite's own auto-checkpoint does). */
  const checkpointPassive = () => store.db.pragma('wal_checkpoint(PASSIVE)');

  it('secure_delete is on for the connection the store deletes with, after every open', () => {
    expect(store.db.pragma('secure_delete', { simple: true })).toBe(1);
    store.close();
    store = openTestStore(file, 'server');
    expect(store.db.pragma('secure_delete', { simple: true })).toBe(1);
  });

  it("the freelancer's deletion: no piece of the ciphertext in worktrace.db, -wal or -shm when it returns", () => {
    const kept = shotIn(0);
    const deleted = shotIn(1);
    checkpointPassive(); // in the database file and still in the WAL
    expect(filesHolding(deleted.data)).toEqual([file, `${file}-wal`]);
    expect(store.deleteScreenshotWithTime(deleted.id)).toBe(true);
    expect(filesHolding(deleted.data)).toEqual([]);
    // The rest is intact and readable.
    expect(store.screenshots.get(kept.id)?.data).toEqual(kept.data);
    expect(store.checkIntegrity().ok).toBe(true);
  });

  it('a screenshot still only in the WAL goes too', () => {
    const shot = shotIn(0);
    expect(filesHolding(shot.data)).toEqual([`${file}-wal`]);
    store.deleteScreenshotWithTime(shot.id);
    expect(filesHolding(shot.data)).toEqual([]);
  });

  it('quota eviction: every evicted screenshot is gone, with one checkpoint for the whole batch', () => {
    const shots = [0, 1, 2, 3, 4].map((i) => shotIn(i, 30_000));
    checkpointPassive();
    const kept = shotIn(5, 30_000);
    const pragma = vi.spyOn(store.db, 'pragma');
    const dropped = store.screenshots.evictForQuota(40_000);
    expect(dropped.map((d) => d.id)).toEqual(shots.map((s) => s.id));
    expect(pragma.mock.calls.filter(([source]) => source.includes('wal_checkpoint'))).toHaveLength(1);
    for (const shot of shots) expect(filesHolding(shot.data)).toEqual([]);
    expect(filesHolding(kept.data)).not.toEqual([]);
  });

  it('a screenshot the server refused (its local copy deleted) goes too', () => {
    const shot = shotIn(0);
    checkpointPassive();
    store.screenshots.delete(shot.id);
    expect(filesHolding(shot.data)).toEqual([]);
  });

  it('writes that delete no screenshot cost no checkpoint', () => {
    const pragma = vi.spyOn(store.db, 'pragma');
    const h = header({ startedAt: T0 });
    store.segments.openSegment(h);
    for (let m = 0; m < 5; m += 1) store.segments.flushMinute(h.id, minute(T0 + m * 60), [{ app: 'Editor', title: 'a.ts', ms: 60_000 }]);
    expect(pragma.mock.calls.filter(([source]) => source.includes('wal_checkpoint'))).toEqual([]);
  });

  it('a deletion rolled back costs no checkpoint', () => {
    const shot = shotIn(0);
    const pragma = vi.spyOn(store.db, 'pragma');
    expect(() =>
      store.db.transaction(() => {
        store.screenshots.delete(shot.id);
        throw new Error('changed my mind');
      })(),
    ).toThrow('changed my mind');
    expect(store.screenshots.get(shot.id)?.data).toEqual(shot.data);
    expect(pragma.mock.calls.filter(([source]) => source.includes('wal_checkpoint'))).toEqual([]);
  });

  it('while another connection still reads the old pages, the bytes go with the first commit after it stops, without waiting on it', () => {
    const shot = shotIn(0);
    checkpointPassive();
    const reader = openTestConnection(file, { readonly: true });
    try {
      reader.prepare('BEGIN').run();
      expect(reader.prepare('SELECT count(*) AS n FROM screenshots').get()).toEqual({ n: 1 }); // holds its snapshot
      store.deleteScreenshotWithTime(shot.id);
      // SQLite cannot reset a WAL a reader still uses; the deletion itself has returned all the same.
      expect(store.screenshots.get(shot.id)).toBeNull();
      expect(filesHolding(shot.data)).not.toEqual([]);
      reader.prepare('COMMIT').run();
    } finally {
      reader.close();
    }
    const h = header({ startedAt: T0 + 600 });
    store.segments.openSegment(h); // the next write of any kind settles what is owed
    expect(filesHolding(shot.data)).toEqual([]);
  });
});
