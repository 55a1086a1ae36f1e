import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, checkIntegrity, migrate, type Store, type StoredScreenshot } from '../../../../src/main/store/index.js';
import { makeTempDir, newId, openTestConnection, openTestStore, recordShot, T0, WallClock, type TestDir } from './store-fixtures.js';

/**
 * The freelancer's screenshot deletions as queue items (migration 006): queued with the local delete, after the
 * segment, held back while the segment waits, owned by the contract's account, gone with their queue entry; and
 * only for the freelancer's deletion (a refused upload or the quota never tells the server anything).
 */
describe('screenshot deletions in the outbox', () => {
  let dir: TestDir;
  let clock: WallClock;
  let store: Store;
  const now = T0 * 1000;
  const ana = { server: 'https://diary.example.com', userId: 'user-ana', email: 'ana@example.com' };
  const bob = { server: 'https://diary.example.com', userId: 'user-bob', email: 'bob@example.com' };

  beforeEach(() => {
    dir = makeTempDir();
    clock = new WallClock(now);
    store = openTestStore(join(dir.path, 'worktrace.db'), 'server', clock);
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  /** Every row in queue order, due or not. */
  const queued = () =>
    store.db
      .prepare<[], { kind: string; item_id: string }>('SELECT kind, item_id FROM outbox ORDER BY seq')
      .all()
      .map((row) => [row.kind, row.item_id]);
  const deletionRows = () => store.db.prepare('SELECT screenshot_id, segment_id, deleted_at FROM screenshot_deletions').all();

  function shotIn(index: number, contractId = 'contract-a'): StoredScreenshot {
    return recordShot(store, index, { data: Buffer.alloc(129, index), bytes: 100, contractId });
  }

  /** Marks everything due as sent, as a pass against a server that takes it all would. */
  const sendAll = () => {
    for (let item = store.outbox.next(Number.MAX_SAFE_INTEGER); item; item = store.outbox.next(Number.MAX_SAFE_INTEGER)) {
      expect(store.outbox.markSent(item)).toBe(true);
    }
  };

  it('a deletion before the upload replaces the upload, after its segment, and waits while the segment is in backoff', () => {
    store.outbox.useAccount(ana);
    const shot = shotIn(0);
    clock.ms = now + 42;
    expect(store.deleteScreenshotWithTime(shot.id)).toBe(true);
    expect(queued()).toEqual([
      ['segment', shot.segmentId],
      ['screenshot-deletion', shot.id],
    ]);
    expect(store.screenshots.pendingDeletion(shot.id)).toEqual({ screenshotId: shot.id, segmentId: shot.segmentId, deletedAt: now + 42 });
    expect(store.outbox.counts()).toEqual({ pending: { segment: 1, screenshot: 1 }, parked: { segment: 0, screenshot: 0 } });
    expect(store.outbox.byAccount()).toEqual([{ account: ana, pendingSegments: 1, pendingScreenshots: 1, parked: 0 }]);
    expect(store.status.queueByContractId()).toEqual([{ contractId: 'contract-a', pendingSegments: 1, pendingScreenshots: 1, parked: 0 }]);

    // The segment fails and waits: its deletion must not overtake it (the server would not know the segment).
    const segment = store.outbox.next(now)!;
    expect(segment.kind).toBe('segment');
    store.outbox.markRetry(segment.seq, now + 60_000, 'HTTP 503');
    expect(store.outbox.due(now, 10)).toEqual([]);
    expect(store.outbox.due(now + 60_000, 10).map((i) => i.kind)).toEqual(['segment']);
    expect(store.outbox.markSent(store.outbox.next(now + 60_000)!)).toBe(true);
    const deletion = store.outbox.next(now + 60_000)!;
    expect(deletion).toMatchObject({ kind: 'screenshot-deletion', itemId: shot.id });

    // Leaving the queue (sent, or answered 404/410) drops what the DELETE needed.
    expect(store.outbox.markSent(deletion)).toBe(true);
    expect(deletionRows()).toEqual([]);
    expect(store.screenshots.pendingDeletion(shot.id)).toBeNull();
  });

  it('a deletion after the upload queues the emptied segment again, then the deletion', () => {
    store.outbox.useAccount(ana);
    const [a, b] = [shotIn(0), shotIn(1)];
    sendAll();
    expect(store.deleteScreenshotWithTime(b.id)).toBe(true);
    expect(store.deleteScreenshotWithTime(b.id)).toBe(false);
    expect(queued()).toEqual([
      ['segment', b.segmentId],
      ['screenshot-deletion', b.id],
    ]);
    expect(store.segments.get(b.segmentId)).toMatchObject({ trackedSeconds: 0, screenshot: null });
    // A removed queue entry (an item dropped by hand) takes its deletion record with it too.
    store.outbox.remove('screenshot-deletion', b.id);
    expect(deletionRows()).toEqual([]);
    expect(store.screenshots.get(a.id)).not.toBeNull();
  });

  it("belongs to the contract's account, whoever is signed in when the freelancer deletes", () => {
    store.outbox.useAccount(ana);
    const anas = shotIn(0, 'contract-of-ana');
    sendAll();
    store.outbox.useAccount(bob);
    expect(store.deleteScreenshotWithTime(anas.id)).toBe(true);
    expect(store.outbox.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect(store.outbox.queueOf(ana)).toMatchObject({ pendingSegments: 1, pendingScreenshots: 1 });
    expect(store.outbox.queueOf(bob)).toBeNull();
    store.outbox.useAccount(ana);
    expect(store.outbox.due(Number.MAX_SAFE_INTEGER, 10).map((i) => i.kind)).toEqual(['segment']);
  });

  it('only the freelancer deletion tells the server: a refused upload or the quota drops the local copy alone', () => {
    store.outbox.useAccount(ana);
    const refused = shotIn(0);
    const evicted = shotIn(1);
    sendAll();
    expect(store.screenshots.delete(refused.id)).toBe(true);
    expect(store.screenshots.evictForQuota(0).map((d) => d.id)).toEqual([evicted.id]);
    expect(queued().filter(([kind]) => kind === 'screenshot-deletion')).toEqual([]);
    expect(deletionRows()).toEqual([]);
  });

  it('local mode queues nothing for a deletion', () => {
    store.close();
    store = openTestStore(join(dir.path, 'local.db'), 'local', clock);
    const shot = shotIn(0, 'local:personal');
    expect(store.deleteScreenshotWithTime(shot.id)).toBe(true);
    expect(queued()).toEqual([]);
    expect(deletionRows()).toEqual([]);
  });

  it('migration 006 keeps every queued row, its seq and the never-reuse high-water mark', () => {
    store.close();
    const file = join(dir.path, 'v5.db');
    const v5 = openTestConnection(file);
    migrate(v5, MIGRATIONS, 5);
    const { id: anaId } = v5.prepare('INSERT INTO accounts (server, user_id, email) VALUES (?, ?, ?) RETURNING id').get(ana.server, ana.userId, ana.email) as {
      id: number;
    };
    const [a, b, c] = [newId(), newId(), newId()];
    const insert = v5.prepare('INSERT INTO outbox (kind, item_id, revision, attempts, next_attempt_at, last_error, parked_at, account_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run('segment', a, 3, 2, now + 5, 'HTTP 503', null, anaId);
    insert.run('screenshot', b, 0, 1, 0, 'HTTP 422', now, anaId);
    insert.run('segment', c, 0, 0, 0, null, null, null);
    v5.prepare('DELETE FROM outbox WHERE item_id = ?').run(c); // sent: its seq (3) must never come back
    const before = v5.prepare('SELECT * FROM outbox ORDER BY seq').all();
    v5.close();

    store = openTestStore(file, 'server', clock);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.db.prepare('SELECT * FROM outbox ORDER BY seq').all()).toEqual(before);
    expect(checkIntegrity(store.db)).toEqual({ ok: true, problems: [] });
    store.outbox.enqueue('segment', newId());
    expect(store.db.prepare('SELECT max(seq) AS seq FROM outbox').get()).toEqual({ seq: 4 });
    expect(() => store.db.prepare("INSERT INTO outbox (kind, item_id) VALUES ('screenshot-removal', 'x')").run()).toThrow(/CHECK/);
    store.outbox.useAccount(ana);
    expect(store.outbox.parked(ana).map((i) => [i.itemId, i.lastError])).toEqual([[b, 'HTTP 422']]);
  });
});
