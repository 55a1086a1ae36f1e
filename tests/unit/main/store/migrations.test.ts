import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, WORKTRACE_APPLICATION_ID, checkIntegrity, migrate } from '../../../../src/main/store/index.js';
import { openTestConnection, type SqlDatabase } from './store-fixtures.js';

/** Each migration on a fresh in-memory database, one version at a time, as an upgrading agent applies them. */
describe('migrations', () => {
  let db: SqlDatabase;
  afterEach(() => db?.close());

  const tables = (): string[] =>
    (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
      (row) => row.name,
    );
  const columns = (table: string): string[] => (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);

  it('are numbered 1..N without gaps, so append-only numbering holds', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('001 creates every table, sets the version and the application id, and passes integrity_check', () => {
    db = openTestConnection(':memory:');
    db.pragma('foreign_keys = ON');
    expect(migrate(db, MIGRATIONS, 1)).toBe(1);
    expect(tables()).toEqual(['app_usage', 'minutes', 'outbox', 'policy_cache', 'screenshots', 'segments', 'settings']);
    expect(columns('segments')).toEqual(['id', 'contract_id', 'started_at', 'length_s', 'memo', 'policy_version']);
    expect(columns('minutes')).toEqual(['segment_id', 'started_at', 'tracked_ms', 'idle', 'keyboard', 'mouse']);
    expect(columns('screenshots')).toEqual(['id', 'segment_id', 'taken_at', 'width', 'height', 'bytes', 'blurred', 'policy_version', 'data']);
    expect(columns('outbox')).toContain('next_attempt_at');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.pragma('application_id', { simple: true })).toBe(WORKTRACE_APPLICATION_ID);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(checkIntegrity(db)).toEqual({ ok: true, problems: [] });
  });

  it('001 enforces its constraints: one segment per contract and start, one screenshot per segment, minutes need a segment', () => {
    db = openTestConnection(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS, 1);
    const segment = db.prepare('INSERT INTO segments (id, contract_id, started_at, length_s) VALUES (?, ?, ?, ?)');
    segment.run('A', 'c', 600, 600);
    expect(() => segment.run('B', 'c', 600, 600)).toThrow(/UNIQUE/);
    expect(() => db.prepare('INSERT INTO minutes (segment_id, started_at, tracked_ms) VALUES (?, ?, ?)').run('nope', 600, 1000)).toThrow(
      /FOREIGN KEY/,
    );
    expect(() => db.prepare('INSERT INTO minutes (segment_id, started_at, tracked_ms) VALUES (?, ?, ?)').run('A', 630, 1000)).toThrow(/CHECK/);
    const shot = db.prepare(
      'INSERT INTO screenshots (id, segment_id, taken_at, width, height, bytes, blurred, data) VALUES (?, ?, 1, 1, 1, 1, 0, ?)',
    );
    shot.run('S1', 'A', Buffer.of(1));
    expect(() => shot.run('S2', 'A', Buffer.of(1))).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO policy_cache VALUES ('c', 'not json', NULL, 0)").run()).toThrow(/CHECK/);
  });

  it('005 gives every existing segment revision 1 and refuses a revision below 1', () => {
    db = openTestConnection(':memory:');
    migrate(db, MIGRATIONS, 4);
    db.prepare('INSERT INTO segments (id, contract_id, started_at, length_s) VALUES (?, ?, ?, ?)').run('A', 'c', 600, 600);
    expect(migrate(db, MIGRATIONS, 5)).toBe(5);
    expect(db.prepare('SELECT revision FROM segments').all()).toEqual([{ revision: 1 }]);
    expect(() => db.prepare("UPDATE segments SET revision = 0 WHERE id = 'A'").run()).toThrow(/CHECK/);
    expect(checkIntegrity(db)).toEqual({ ok: true, problems: [] });
  });

  it("007 moves each segment's app totals onto its first minute, drops those of a segment with no minute left, cascades, and owes no upload", () => {
    db = openTestConnection(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS, 6);
    const segment = db.prepare('INSERT INTO segments (id, contract_id, started_at, length_s) VALUES (?, ?, ?, 600)');
    const minuteRow = db.prepare('INSERT INTO minutes (segment_id, started_at, tracked_ms) VALUES (?, ?, 60000)');
    const app = db.prepare('INSERT INTO app_usage (segment_id, app, title, ms) VALUES (?, ?, ?, ?)');
    segment.run('A', 'c', 600);
    minuteRow.run('A', 660);
    minuteRow.run('A', 720);
    app.run('A', 'code', 'a.ts', 90_000);
    app.run('A', 'bank', 'account 12', 30_000);
    segment.run('B', 'c', 1200); // every minute discarded: its titles have no time behind them
    app.run('B', 'bank', 'account 12', 600_000);

    expect(migrate(db, MIGRATIONS, 7)).toBe(7);
    expect(tables()).not.toContain('app_usage');
    expect(db.prepare('SELECT id, upload_owed FROM segments ORDER BY id').all()).toEqual([
      { id: 'A', upload_owed: 0 },
      { id: 'B', upload_owed: 0 },
    ]);
    expect(db.prepare('SELECT * FROM minute_apps ORDER BY segment_id, app').all()).toEqual([
      { segment_id: 'A', minute_at: 660, app: 'bank', title: 'account 12', ms: 30_000 },
      { segment_id: 'A', minute_at: 660, app: 'code', title: 'a.ts', ms: 90_000 },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(() => db.prepare("INSERT INTO minute_apps VALUES ('A', 780, 'x', '', 1)").run()).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM minutes WHERE started_at = 660').run();
    expect(db.prepare('SELECT count(*) AS n FROM minute_apps').get()).toEqual({ n: 0 });
    expect(checkIntegrity(db)).toEqual({ ok: true, problems: [] });
  });

  it('applying all migrations twice is a no-op the second time', () => {
    db = openTestConnection(':memory:');
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    const schema = db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').all();
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').all()).toEqual(schema);
  });

  it('a failing migration leaves the database at the previous version', () => {
    db = openTestConnection(':memory:');
    migrate(db);
    const broken = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'broken', up: (d: SqlDatabase) => d.exec('CREATE TABLE x (a); SELECT nope FROM nowhere;') }];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(tables()).not.toContain('x');
  });
});
