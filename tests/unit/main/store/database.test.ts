import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SCHEMA_VERSION,
  StoreError,
  WORKTRACE_APPLICATION_ID,
  checkIntegrity,
  type StoreErrorCode,
} from '../../../../src/main/store/index.js';
import { header, makeTempDir, minute, openTestConnection, openTestDatabase, openTestStore, sha256, T0, type TestDir } from './store-fixtures.js';

const PROBE = fileURLToPath(new URL('./fixtures/open-probe.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function expectRefused(file: string, code: StoreErrorCode): void {
  let caught: unknown;
  try {
    openTestDatabase(file).close();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StoreError);
  expect((caught as StoreError).code).toBe(code);
  // One line that says what to do.
  expect((caught as StoreError).message).not.toContain('\n');
  expect((caught as StoreError).message).toMatch(/:/);
}

describe('openDatabase', () => {
  let dir: TestDir;
  let file: string;
  beforeEach(() => {
    dir = makeTempDir();
    file = join(dir.path, 'worktrace.db');
  });
  afterEach(() => {
    chmodSync(dir.path, 0o700);
    dir.remove();
  });

  it('creates a new database in WAL mode with synchronous=FULL, foreign keys, our application id and the schema version', () => {
    const db = openTestDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    expect(db.pragma('application_id', { simple: true })).toBe(WORKTRACE_APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(checkIntegrity(db).ok).toBe(true);
    db.close();
    // Reopening an up-to-date database changes nothing in it.
    const before = sha256(file);
    openTestDatabase(file).close();
    expect(sha256(file)).toBe(before);
  });

  it('adopts an empty file and a blank SQLite database (nothing to lose in either)', () => {
    writeFileSync(file, '');
    openTestDatabase(file).close();
    const blank = join(dir.path, 'blank.db');
    openTestConnection(blank).close();
    const db = openTestDatabase(blank);
    expect(db.pragma('application_id', { simple: true })).toBe(WORKTRACE_APPLICATION_ID);
    db.close();
  });

  it('refuses a missing data directory', () => {
    expectRefused(join(dir.path, 'nope', 'worktrace.db'), 'DATA_DIR_MISSING');
    expect(existsSync(join(dir.path, 'nope'))).toBe(false);
  });

  it('refuses a data directory that is a file', () => {
    writeFileSync(join(dir.path, 'plain'), 'x');
    expectRefused(join(dir.path, 'plain', 'worktrace.db'), 'DATA_DIR_MISSING');
  });

  it('refuses a directory where the database file should be', () => {
    mkdirSync(file);
    expectRefused(file, 'DB_OPEN_FAILED');
  });

  it('refuses a text file and leaves it byte-for-byte unchanged', () => {
    writeFileSync(file, 'These are my notes, not a database.\n'.repeat(100));
    const before = sha256(file);
    expectRefused(file, 'DB_CORRUPT');
    expect(sha256(file)).toBe(before);
    expect(readdirSync(dir.path)).toEqual(['worktrace.db']);
  });

  it('refuses random bytes and leaves them unchanged', () => {
    writeFileSync(file, randomBytes(64 * 1024));
    const before = sha256(file);
    expectRefused(file, 'DB_CORRUPT');
    expect(sha256(file)).toBe(before);
  });

  it('refuses a database whose pages are damaged, without touching it', () => {
    const db = openTestDatabase(file);
    db.exec('CREATE TABLE filler (x BLOB)');
    const insert = db.prepare('INSERT INTO filler VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run(randomBytes(2000));
    db.close();
    // Overwrite the middle of the file, keeping the valid header: SQLite opens it, the check fails.
    const bytes = readFileSync(file);
    randomBytes(16 * 4096).copy(bytes, 8 * 4096);
    writeFileSync(file, bytes);
    const before = sha256(file);
    expectRefused(file, 'DB_CORRUPT');
    expect(sha256(file)).toBe(before);
  });

  it("refuses another application's SQLite database and leaves it unchanged", () => {
    const foreign = openTestConnection(file);
    foreign.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada')");
    foreign.close();
    const before = sha256(file);
    expectRefused(file, 'DB_FOREIGN');
    expect(sha256(file)).toBe(before);
    expect(readdirSync(dir.path)).toEqual(['worktrace.db']);
  });

  it('refuses a SQLite database with another application id, even an empty one', () => {
    const foreign = openTestConnection(file);
    foreign.pragma('application_id = 1234');
    foreign.close();
    const before = sha256(file);
    expectRefused(file, 'DB_FOREIGN');
    expect(sha256(file)).toBe(before);
  });

  it('refuses a database from a newer agent and leaves it unchanged', () => {
    openTestDatabase(file).close();
    const newer = openTestConnection(file);
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    const before = sha256(file);
    expectRefused(file, 'DB_TOO_NEW');
    expect(sha256(file)).toBe(before);
  });

  it('refuses a read-only data directory and leaves the database in it unchanged', () => {
    const store = openTestStore(file);
    store.segments.openSegment(header());
    store.close();
    const before = sha256(file);
    chmodSync(file, 0o644);
    chmodSync(dir.path, 0o555);
    // Root writes anywhere, so the check runs as an unprivileged user when the tests run as root.
    const asNobody = process.getuid?.() === 0 ? ['65534'] : [];
    const probe = spawnSync(process.execPath, ['--import', 'tsx', PROBE, file, ...asNobody], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(probe.stderr).toBe('');
    expect(JSON.parse(probe.stdout.trim())).toMatchObject({ code: 'DATA_DIR_READONLY' });
    expect(sha256(file)).toBe(before);
    expect(readdirSync(dir.path)).toEqual(['worktrace.db']);
  });

  it('keeps what was flushed across a restart: findSegment returns it for the tracker to continue', () => {
    const first = openTestStore(file);
    const h = header({ memo: 'fixing the invoice export', policyVersion: 3 });
    first.segments.openSegment(h);
    first.segments.flushMinute(h.id, minute(T0), [{ app: 'code', title: 'store.ts', ms: 50_000 }]);
    first.segments.flushMinute(h.id, minute(T0 + 60, { trackedMs: 30_500, keyboard: 0, mouse: 0 }), [
      { app: 'code', title: 'store.ts', ms: 20_000 },
      { app: 'firefox', title: 'SQLite docs', ms: 10_500 },
    ]);
    first.close();

    const second = openTestStore(file);
    const found = second.segments.findSegment('contract-a', T0);
    expect(found).toEqual({
      header: h,
      minutes: [minute(T0), minute(T0 + 60, { trackedMs: 30_500, keyboard: 0, mouse: 0 })],
      apps: [
        { minuteAt: T0, app: 'code', title: 'store.ts', ms: 50_000 },
        { minuteAt: T0 + 60, app: 'code', title: 'store.ts', ms: 20_000 },
        { minuteAt: T0 + 60, app: 'firefox', title: 'SQLite docs', ms: 10_500 },
      ],
      hasScreenshot: false,
    });
    expect(second.segments.findSegment('contract-a', T0 + 600)).toBeNull();
    expect(second.segments.findSegment('contract-b', T0)).toBeNull();
    // Opening the same segment again (the restarted tracker) is a no-op.
    second.segments.openSegment(h);
    expect(second.status.counts().segments).toBe(1);
    second.close();
  });
});
