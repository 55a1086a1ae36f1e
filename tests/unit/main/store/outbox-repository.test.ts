import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, type Store } from '../../../../src/main/store/index.js';
import { header, makeTempDir, newId, openTestConnection, openTestStore, T0, WallClock, type TestDir } from './store-fixtures.js';

describe('OutboxRepository', () => {
  let dir: TestDir;
  let clock: WallClock;
  let store: Store;
  const now = T0 * 1000;
  beforeEach(() => {
    dir = makeTempDir();
    clock = new WallClock(now);
    store = openTestStore(join(dir.path, 'worktrace.db'), 'server', clock);
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  /** Everything that would go if a person asked to send everything now (parked items wait for their own time). */
  const ids = () => store.outbox.due(clock.ms, 100, Number.MAX_SAFE_INTEGER).map((item) => item.itemId);
  const HOUR = 3_600_000;
  const someone = { server: 'https://diary.example.com', userId: 'user-someone', email: 'someone@example.com' };

  it('drains in enqueue order, and re-enqueueing keeps an item in its place', () => {
    const [a, b, c] = [newId(), newId(), newId()];
    store.outbox.enqueue('segment', a);
    store.outbox.enqueue('segment', b);
    store.outbox.enqueue('segment', c);
    store.outbox.enqueue('segment', a);
    expect(ids()).toEqual([a, b, c]);
    expect(store.outbox.next(now)?.itemId).toBe(a);
  });

  it('skips items waiting for their backoff until they are due, counting attempts', () => {
    const [a, b] = [newId(), newId()];
    store.outbox.enqueue('segment', a);
    store.outbox.enqueue('segment', b);
    const first = store.outbox.next(now)!;
    store.outbox.markRetry(first.seq, now + 30_000, 'ECONNRESET');
    expect(store.outbox.next(now)?.itemId).toBe(b);
    expect(store.outbox.next(now + 29_999)?.itemId).toBe(b);
    expect(store.outbox.next(now + 30_000)).toMatchObject({ itemId: a, attempts: 1, lastError: 'ECONNRESET', nextAttemptAt: now + 30_000 });
    expect(store.outbox.counts().pending).toEqual({ segment: 2, screenshot: 0 });
  });

  it('parks an item with its error without blocking the rest, and can put it back', () => {
    store.outbox.useAccount(someone);
    const [a, b] = [newId(), newId()];
    store.outbox.enqueue('segment', a);
    store.outbox.enqueue('segment', b);
    const first = store.outbox.next(now)!;
    clock.ms = now + 5;
    store.outbox.park(first.seq, `422 ${'x'.repeat(1000)}`, now + HOUR);
    expect(store.outbox.next(now)?.itemId).toBe(b);
    expect(store.outbox.counts()).toEqual({ pending: { segment: 1, screenshot: 0 }, parked: { segment: 1, screenshot: 0 } });
    const [parked] = store.outbox.parked(someone);
    expect(parked).toMatchObject({ seq: first.seq, itemId: a, parkedAt: now + 5, attempts: 1, nextAttemptAt: now + HOUR });
    expect(parked?.lastError?.length).toBe(500);
    expect(ids()).toEqual([b]);
    // Retry everything parked (sign-in, start, the person's Retry): due now, in its old place.
    expect(store.outbox.retryParked()).toBe(1);
    expect(ids()).toEqual([a, b]);
  });

  it('a parked item is due again at its slow retry, keeps the time it was first parked, and is due at once when it changes', () => {
    store.outbox.useAccount(someone);
    const [a, b] = [newId(), newId()];
    store.outbox.enqueue('segment', a);
    store.outbox.enqueue('segment', b);
    const first = store.outbox.next(now)!;
    store.outbox.park(first.seq, 'HTTP 422', now + HOUR);
    store.outbox.markSent(store.outbox.next(now)!);
    expect(store.outbox.next(now + HOUR - 1, Number.MAX_SAFE_INTEGER)).toBeNull();
    const retried = store.outbox.next(now + HOUR)!;
    expect(retried).toMatchObject({ itemId: a, parkedAt: now, attempts: 1 });
    clock.ms = now + HOUR;
    store.outbox.park(retried.seq, 'HTTP 422 again', now + 2 * HOUR);
    expect(store.outbox.parked(someone)).toMatchObject([{ itemId: a, parkedAt: now, attempts: 2, lastError: 'HTTP 422 again', nextAttemptAt: now + 2 * HOUR }]);
    expect(store.outbox.next(now + HOUR)).toBeNull();
    store.outbox.enqueue('segment', a); // a minute flushed, a memo edited
    expect(store.outbox.next(now + HOUR)).toMatchObject({ itemId: a, parkedAt: now, revision: retried.revision + 1 });
    // Still parked (counted and listed so) until the server takes it.
    expect(store.outbox.counts().parked.segment).toBe(1);
    // Taken while it changed once more: it stays queued for the newer record, but it is not parked any more.
    const sending = store.outbox.next(now + HOUR)!;
    store.outbox.enqueue('segment', a);
    expect(store.outbox.markSent(sending)).toBe(false);
    expect(store.outbox.counts()).toEqual({ pending: { segment: 1, screenshot: 0 }, parked: { segment: 0, screenshot: 0 } });
  });

  it("a segment that goes makes its parked screenshot due at once; another segment's stays parked", () => {
    store.outbox.useAccount(someone);
    const [one, two] = [header(), header({ startedAt: T0 + 600 })];
    const shots = [newId(), newId()];
    store.segments.openSegment(one);
    store.segments.openSegment(two);
    store.screenshots.insert({ id: shots[0]!, segmentId: one.id, takenAt: T0 * 1000, width: 1, height: 1, bytes: 1, blurred: false, policyVersion: 1, data: Buffer.alloc(64) });
    store.screenshots.insert({ id: shots[1]!, segmentId: two.id, takenAt: (T0 + 600) * 1000, width: 1, height: 1, bytes: 1, blurred: false, policyVersion: 1, data: Buffer.alloc(64) });
    // Everything parks (a screenshot is due once its segment is parked).
    for (let item = store.outbox.next(now); item; item = store.outbox.next(now)) store.outbox.park(item.seq, 'HTTP 404', now + HOUR);
    expect(store.outbox.counts().parked).toEqual({ segment: 2, screenshot: 2 });
    store.outbox.retryParkedOfSegmentItems(one.id);
    expect(store.outbox.due(now, 10).map((i) => i.itemId)).toEqual([shots[0]]);
  });

  it('keeps an item that changed while it was being sent, and removes one that did not', () => {
    const a = newId();
    store.outbox.enqueue('segment', a);
    const read = store.outbox.next(now)!;
    store.outbox.enqueue('segment', a); // a minute was flushed during the upload
    expect(store.outbox.markSent(read)).toBe(false);
    const again = store.outbox.next(now)!;
    expect(again).toMatchObject({ seq: read.seq, revision: read.revision + 1 });
    expect(store.outbox.markSent(again)).toBe(true);
    expect(store.outbox.next(now)).toBeNull();
    // Sending twice (a retry after a lost answer) is harmless.
    expect(store.outbox.markSent(again)).toBe(false);
  });

  it('holds a screenshot back while its segment is still queued before it, even in backoff', () => {
    const h = header();
    store.segments.openSegment(h);
    const shot = newId();
    store.screenshots.insert({
      id: shot,
      segmentId: h.id,
      takenAt: now,
      width: 10,
      height: 10,
      bytes: 10,
      blurred: false,
      policyVersion: null,
      data: Buffer.alloc(40),
    });
    const other = newId();
    store.outbox.enqueue('segment', other);
    expect(store.outbox.due(now, 10).map((i) => [i.kind, i.itemId])).toEqual([
      ['segment', h.id],
      ['segment', other],
    ]);
    const segment = store.outbox.next(now)!;
    store.outbox.markRetry(segment.seq, now + 60_000, '503');
    expect(store.outbox.due(now, 10).map((i) => i.itemId)).toEqual([other]);
    expect(store.outbox.due(now + 60_000, 10).map((i) => i.itemId)).toEqual([h.id, other]);
    expect(store.outbox.markSent(store.outbox.next(now + 60_000)!)).toBe(true);
    expect(store.outbox.due(now, 10).map((i) => [i.kind, i.itemId])).toEqual([
      ['screenshot', shot],
      ['segment', other],
    ]);
    expect(store.status.queueByContractId()).toEqual([
      { contractId: '', pendingSegments: 1, pendingScreenshots: 0, parked: 0 },
      { contractId: 'contract-a', pendingSegments: 0, pendingScreenshots: 1, parked: 0 },
    ]);
  });

  it('survives a restart with its order, attempts and parked state', () => {
    store.outbox.useAccount(someone);
    const [a, b, c] = [newId(), newId(), newId()];
    for (const id of [a, b, c]) store.outbox.enqueue('segment', id);
    const items = store.outbox.due(now, 3);
    store.outbox.markRetry(items[0]!.seq, now + 1000, 'timeout');
    store.outbox.park(items[1]!.seq, '400 bad request', now + HOUR);
    store.close();
    store = openTestStore(join(dir.path, 'worktrace.db'), 'server', clock);
    store.outbox.useAccount(someone);
    expect(store.outbox.due(now + 1000, 10).map((i) => [i.itemId, i.attempts])).toEqual([
      [a, 1],
      [c, 0],
    ]);
    expect(store.outbox.parked(someone).map((i) => i.itemId)).toEqual([b]);
  });

  describe('accounts', () => {
    const ana = { server: 'https://diary.example.com', userId: 'user-ana', email: 'ana@example.com' };
    const bob = { server: 'https://diary.example.com', userId: 'user-bob', email: 'bob@example.com' };
    const anaElsewhere = { ...ana, server: 'https://other.example.com' };
    const queueFor = (account: { userId: string; server: string }) =>
      store.outbox.byAccount().find((q) => q.account.userId === account.userId && q.account.server === account.server);

    it('items recorded before any account belong to the first one that signs in', () => {
      const [a, b] = [newId(), newId()];
      store.outbox.enqueue('segment', a);
      store.outbox.enqueue('segment', b);
      expect(store.outbox.byAccount()).toEqual([]); // nobody has adopted them yet
      store.outbox.useAccount(ana);
      expect(ids()).toEqual([a, b]);
      expect(store.outbox.byAccount()).toEqual([{ account: ana, pendingSegments: 2, pendingScreenshots: 0, parked: 0 }]);
      store.outbox.useAccount(bob);
      expect(ids()).toEqual([]); // they stay Ana's
    });

    it("drains only the signed-in account's items; the others wait untouched and drain when their account is back", () => {
      store.outbox.useAccount(ana);
      const anas = [newId(), newId()];
      for (const id of anas) store.outbox.enqueue('segment', id);
      const parked = newId();
      store.outbox.enqueue('segment', parked);
      store.outbox.park(store.outbox.due(now, 10).at(-1)!.seq, 'HTTP 400', now + HOUR);

      store.outbox.useAccount(bob);
      const bobs = [newId()];
      store.outbox.enqueue('segment', bobs[0]!);
      // An item of Ana's that changes while Bob is signed in is still Ana's to send.
      store.outbox.enqueue('segment', anas[0]!);
      expect(ids()).toEqual(bobs);
      expect(store.outbox.byAccount()).toEqual([
        { account: ana, pendingSegments: 2, pendingScreenshots: 0, parked: 1 },
        { account: bob, pendingSegments: 1, pendingScreenshots: 0, parked: 0 },
      ]);
      expect(store.outbox.markSent(store.outbox.next(now)!)).toBe(true);
      expect(store.outbox.next(now)).toBeNull();

      // The same person on another server is another account.
      store.outbox.useAccount(anaElsewhere);
      expect(ids()).toEqual([]);

      // Ana again, with a new email on the same account: her items drain in their order, attempts untouched.
      store.outbox.useAccount({ ...ana, email: 'ana@new.example.com' });
      expect(store.outbox.due(now, 10).map((i) => [i.itemId, i.revision, i.attempts])).toEqual([
        [anas[0], 1, 0],
        [anas[1], 0, 0],
      ]);
      expect(queueFor(ana)?.account.email).toBe('ana@new.example.com');
      expect(store.outbox.parked(ana).map((i) => i.itemId)).toEqual([parked]);
      // Parked items are their account's to see: nobody else's list, and none while signed out.
      expect(store.outbox.parked(bob)).toEqual([]);
      expect(store.outbox.parked(null)).toEqual([]);
    });

    it("a record queued again after it was sent goes to its contract's account, not to whoever is signed in", () => {
      store.outbox.useAccount(ana);
      const h = header({ contractId: 'contract-of-ana' });
      store.segments.openSegment(h);
      expect(store.outbox.markSent(store.outbox.next(now)!)).toBe(true);
      store.outbox.useAccount(bob);
      const bobs = header({ contractId: 'contract-of-bob', startedAt: T0 + 600 });
      store.segments.openSegment(bobs);
      // Ana's old segment changes while Bob is signed in (say, her screenshot and its time are deleted here).
      store.outbox.enqueue('segment', h.id);
      expect(ids()).toEqual([bobs.id]);
      expect(queueFor(ana)).toMatchObject({ pendingSegments: 1 });
      store.outbox.useAccount(ana);
      expect(ids()).toEqual([h.id]);
    });

    it('a queue written by a version-1 agent is upgraded in place and drains for the first account that signs in', () => {
      store.close();
      const file = join(dir.path, 'v1.db');
      const v1 = openTestConnection(file);
      migrate(v1, MIGRATIONS, 1);
      const old = [newId(), newId()];
      for (const [i, id] of old.entries()) {
        v1.prepare("INSERT INTO segments (id, contract_id, started_at, length_s) VALUES (?, 'contract-v1', ?, 600)").run(id, T0 + i * 600);
        v1.prepare("INSERT INTO outbox (kind, item_id, attempts) VALUES ('segment', ?, 2)").run(id);
      }
      v1.close();
      store = openTestStore(file, 'server', clock);
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      store.outbox.useAccount(ana);
      expect(store.outbox.due(now, 10).map((i) => [i.itemId, i.attempts])).toEqual(old.map((id) => [id, 2]));
      for (const item of store.outbox.due(now, 10)) store.outbox.markSent(item);
      // Adopting them made their contract Ana's: a change made while Bob is signed in waits for her.
      store.outbox.useAccount(bob);
      store.outbox.enqueue('segment', old[0]!);
      expect(ids()).toEqual([]);
      expect(queueFor(ana)).toMatchObject({ pendingSegments: 1 });
    });

    it("upgrading a version-3 queue records each queued contract's account (migration 004)", () => {
      store.close();
      const file = join(dir.path, 'v3.db');
      const v3 = openTestConnection(file);
      migrate(v3, MIGRATIONS, 3);
      const { id: anaId } = v3.prepare('INSERT INTO accounts (server, user_id, email) VALUES (?, ?, ?) RETURNING id').get(ana.server, ana.userId, ana.email) as { id: number };
      const segment = newId();
      v3.prepare("INSERT INTO segments (id, contract_id, started_at, length_s) VALUES (?, 'contract-v3', ?, 600)").run(segment, T0);
      v3.prepare("INSERT INTO outbox (kind, item_id, account_id) VALUES ('segment', ?, ?)").run(segment, anaId);
      v3.close();
      store = openTestStore(file, 'server', clock);
      expect(store.db.prepare('SELECT contract_id, account_id FROM contract_accounts').all()).toEqual([{ contract_id: 'contract-v3', account_id: anaId }]);
      store.outbox.useAccount(bob);
      expect(ids()).toEqual([]);
      store.outbox.useAccount(ana);
      expect(ids()).toEqual([segment]);
    });

    it('keeps each item with its account across a restart (the account in use is chosen again at sign-in)', () => {
      store.outbox.useAccount(ana);
      const a = newId();
      store.outbox.enqueue('segment', a);
      store.close();
      store = openTestStore(join(dir.path, 'worktrace.db'), 'server', clock);
      store.outbox.useAccount(bob);
      expect(ids()).toEqual([]);
      expect(queueFor(ana)).toMatchObject({ pendingSegments: 1 });
      store.outbox.useAccount(ana);
      expect(ids()).toEqual([a]);
    });
  });
});
