import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0, header, makeTempDir, minute, openTestStore, type TestDir } from './store-fixtures.js';

/**
 * Issue 12 item 8: the database, its WAL and its shared-memory file are 0600 whatever the umask and the directory's
 * mode: they hold titles, memos and (encrypted) screenshots, and a 0777 data directory must not make them readable.
 */
describe('database file modes', () => {
  let dir: TestDir;
  let file: string;
  let umask: number;
  beforeEach(() => {
    dir = makeTempDir();
    file = join(dir.path, 'worktrace.db');
    umask = process.umask();
  });
  afterEach(() => {
    process.umask(umask);
    dir.remove();
  });

  const modes = () =>
    Object.fromEntries([file, `${file}-wal`, `${file}-shm`].map((f) => [f.slice(dir.path.length + 1), existsSync(f) ? (statSync(f).mode & 0o777).toString(8) : 'missing']));

  /** Opens the store, writes a minute (so the WAL and -shm exist) and reports the modes while it is open. */
  function openWriteAndLook(): Record<string, string> {
    const store = openTestStore(file, 'server');
    try {
      const h = header({ startedAt: T0 });
      store.segments.openSegment(h);
      store.segments.flushMinute(h.id, minute(T0), [{ app: 'Editor', title: 'secret plans', ms: 60_000 }]);
      return modes();
    } finally {
      store.close();
    }
  }

  it('a new database: 0600 for worktrace.db, -wal and -shm with umask 000 in a 0777 directory', () => {
    chmodSync(dir.path, 0o777);
    process.umask(0o000);
    expect(openWriteAndLook()).toEqual({ 'worktrace.db': '600', 'worktrace.db-wal': '600', 'worktrace.db-shm': '600' });
  });

  it('a database left readable with its WAL and -shm (an older agent killed under umask 000) is made 0600 again', () => {
    // What a kill -9 leaves: the three files as they were while the agent ran. Copied from a live store, then widened.
    const elsewhere = makeTempDir();
    try {
      const live = openTestStore(join(elsewhere.path, 'worktrace.db'), 'server');
      const h = header({ startedAt: T0 - 600 });
      live.segments.openSegment(h);
      live.segments.flushMinute(h.id, minute(T0 - 600), []);
      for (const suffix of ['', '-wal', '-shm']) writeFileSync(`${file}${suffix}`, readFileSync(join(elsewhere.path, `worktrace.db${suffix}`)), { mode: 0o666 });
      live.close();
    } finally {
      elsewhere.remove();
    }
    for (const suffix of ['', '-wal', '-shm']) chmodSync(`${file}${suffix}`, 0o666);
    chmodSync(dir.path, 0o777);
    process.umask(0o000);
    expect(openWriteAndLook()).toEqual({ 'worktrace.db': '600', 'worktrace.db-wal': '600', 'worktrace.db-shm': '600' });
    // What the killed agent wrote is still there, beside the new minute.
    const store = openTestStore(file, 'server');
    expect(store.segments.list().map((s) => s.startedAt)).toEqual([T0 - 600, T0].map((t) => new Date(t * 1000).toISOString()));
    store.close();
  });
});
