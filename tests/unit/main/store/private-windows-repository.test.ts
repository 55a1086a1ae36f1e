import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PRIVATE_RULES } from '../../../../src/shared/privacy/index.js';
import { MIGRATIONS, checkIntegrity, migrate, type Store } from '../../../../src/main/store/index.js';
import { openTestConnection, openTestStore } from './store-fixtures.js';

/** The freelancer's own private-window list: kept on the device, never queued for upload. */
describe('PrivateWindowsRepository', () => {
  let store: Store;
  afterEach(() => store?.close());

  it('adds, lists in the order added, and removes; the same rule in another letter case is the same rule', () => {
    store = openTestStore(':memory:', 'server');
    expect(store.privateWindows.add({ kind: 'title', pattern: '*Patient*' })).toBe(true);
    expect(store.privateWindows.add({ kind: 'app', pattern: 'KeePassXC' })).toBe(true);
    expect(store.privateWindows.add({ kind: 'title', pattern: '*PATIENT*' })).toBe(false);
    expect(store.privateWindows.add({ kind: 'app', pattern: '*Patient*' })).toBe(true); // another kind
    expect(store.privateWindows.list()).toEqual([
      { kind: 'title', pattern: '*Patient*' },
      { kind: 'app', pattern: 'KeePassXC' },
      { kind: 'app', pattern: '*Patient*' },
    ]);
    expect(store.privateWindows.remove({ kind: 'app', pattern: 'keepassxc' })).toBe(true);
    expect(store.privateWindows.remove({ kind: 'app', pattern: 'keepassxc' })).toBe(false);
    expect(store.privateWindows.list()).toHaveLength(2);
    // Nothing of it is ever queued: the list never leaves the device.
    expect(store.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
  });

  it('refuses a pattern that is not one, and a rule past the limit, with a code', () => {
    store = openTestStore(':memory:');
    expect(() => store.privateWindows.add({ kind: 'title', pattern: 'a\u0000' })).toThrow();
    for (let i = 0; i < MAX_PRIVATE_RULES; i += 1) store.privateWindows.add({ kind: 'title', pattern: `rule ${i}` });
    expect(() => store.privateWindows.add({ kind: 'title', pattern: 'one more' })).toThrow(expect.objectContaining({ code: 'PRIVATE_LIST_FULL' }));
  });

  it('says a damaged row makes the list unreadable, rather than skipping it', () => {
    store = openTestStore(':memory:');
    store.privateWindows.add({ kind: 'app', pattern: 'keepassxc' });
    store.db.prepare("INSERT INTO private_windows (kind, pattern, folded, added_at) VALUES ('title', ?, 'x', 0)").run('x'.repeat(500));
    expect(() => store.privateWindows.list()).toThrow(expect.objectContaining({ code: 'PRIVATE_LIST_UNREADABLE' }));
  });
});

describe('migration 008', () => {
  it('adds the list, a zero count to the screenshots already there and no skip to their segments', () => {
    const db = openTestConnection(':memory:');
    try {
      db.pragma('foreign_keys = ON');
      migrate(db, MIGRATIONS, 7);
      db.prepare('INSERT INTO segments (id, contract_id, started_at, length_s) VALUES (?, ?, ?, ?)').run('A', 'c', 600, 600);
      db.prepare('INSERT INTO screenshots (id, segment_id, taken_at, width, height, bytes, blurred, data) VALUES (?, ?, 1, 1, 1, 1, 0, ?)').run('S', 'A', Buffer.of(1));
      expect(migrate(db, MIGRATIONS, 8)).toBe(8);
      expect(db.prepare('SELECT redacted_windows FROM screenshots').get()).toEqual({ redacted_windows: 0 });
      expect(db.prepare('SELECT screenshot_skipped FROM segments').get()).toEqual({ screenshot_skipped: null });
      expect(() => db.prepare("UPDATE segments SET screenshot_skipped = 'bored'").run()).toThrow(/CHECK/);
      expect(() => db.prepare("INSERT INTO private_windows (kind, pattern, folded, added_at) VALUES ('url', 'x', 'x', 0)").run()).toThrow(/CHECK/);
      expect(checkIntegrity(db)).toEqual({ ok: true, problems: [] });
    } finally {
      db.close();
    }
  });
});
