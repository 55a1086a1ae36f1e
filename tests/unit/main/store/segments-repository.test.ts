import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { segmentRecordSchema } from '../../../../src/shared/protocol/index.js';
import { StoreError, type Store } from '../../../../src/main/store/index.js';
import { T0, header, makeTempDir, minute, newId, openTestStore, type TestDir } from './store-fixtures.js';

describe('SegmentsRepository', () => {
  let dir: TestDir;
  let store: Store;
  beforeEach(() => {
    dir = makeTempDir();
    store = openTestStore(join(dir.path, 'worktrace.db'));
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  const minuteRows = (segmentId: string) =>
    store.db.prepare('SELECT started_at, tracked_ms, idle FROM minutes WHERE segment_id = ? ORDER BY started_at').all(segmentId);

  describe('flushMinute', () => {
    it('writes the minute and its app time, and rewriting a minute replaces both (absolute values)', () => {
      const h = header();
      store.segments.openSegment(h);
      store.segments.flushMinute(h.id, minute(T0, { trackedMs: 20_000, keyboard: 3 }), [
        { app: 'code', title: 'a.ts', ms: 15_000 },
        { app: 'browser', title: 'docs', ms: 5_000 },
      ]);
      store.segments.flushMinute(h.id, minute(T0 + 60, { trackedMs: 30_000 }), [{ app: 'code', title: 'a.ts', ms: 30_000 }]);
      // The minute again, without the browser: its time in that minute is gone, not kept beside the new values.
      store.segments.flushMinute(h.id, minute(T0, { trackedMs: 60_000, keyboard: 9 }), [{ app: 'code', title: 'a.ts', ms: 60_000 }]);
      const found = store.segments.findSegment(h.contractId, h.startedAt);
      expect(found?.minutes).toEqual([minute(T0, { trackedMs: 60_000, keyboard: 9 }), minute(T0 + 60, { trackedMs: 30_000 })]);
      expect(found?.apps).toEqual([
        { minuteAt: T0, app: 'code', title: 'a.ts', ms: 60_000 },
        { minuteAt: T0 + 60, app: 'code', title: 'a.ts', ms: 30_000 },
      ]);
      // The segment's list is the sum over its minutes.
      expect(store.segments.get(h.id)?.apps).toEqual([{ app: 'code', title: 'a.ts', seconds: 90 }]);
    });

    it("discarding or clearing minutes takes their app time with them, and the segment's list follows", () => {
      const h = header();
      store.segments.openSegment(h);
      store.segments.flushMinute(h.id, minute(T0), [{ app: 'code', title: 'a.ts', ms: 60_000 }]);
      store.segments.flushMinute(h.id, minute(T0 + 60), [{ app: 'bank', title: 'account 12', ms: 60_000 }]);
      store.segments.flushMinute(h.id, minute(T0 + 120), [{ app: 'code', title: 'a.ts', ms: 60_000 }]);
      expect(store.segments.discardMinutes(h.contractId, T0 + 60, T0 + 120)).toBe(1);
      expect(store.segments.get(h.id)?.apps).toEqual([{ app: 'code', title: 'a.ts', seconds: 120 }]);
      expect(store.db.prepare("SELECT count(*) AS n FROM minute_apps WHERE app = 'bank'").get()).toEqual({ n: 0 });
      store.segments.clearTime(h.id);
      expect(store.db.prepare('SELECT count(*) AS n FROM minute_apps').get()).toEqual({ n: 0 });
      expect(store.segments.get(h.id)?.apps).toEqual([]);
    });

    it('is one transaction: when the app time cannot be written, the minute is not written either', () => {
      const h = header();
      store.segments.openSegment(h);
      // A trigger stands in for a failure half-way through the flush (disk full, a constraint).
      store.db.exec(`CREATE TRIGGER fail_app BEFORE INSERT ON minute_apps WHEN NEW.app = 'boom'
                     BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
      store.segments.flushMinute(h.id, minute(T0), [{ app: 'ok', title: '', ms: 60_000 }]);
      expect(() =>
        store.segments.flushMinute(h.id, minute(T0 + 60), [
          { app: 'ok', title: '', ms: 120_000 },
          { app: 'boom', title: '', ms: 1 },
        ]),
      ).toThrow(/simulated failure/);
      const found = store.segments.findSegment(h.contractId, h.startedAt);
      expect(found?.minutes.map((m) => m.startedAt)).toEqual([T0]);
      expect(found?.apps).toEqual([{ minuteAt: T0, app: 'ok', title: '', ms: 60_000 }]);
    });

    it('refuses a minute of a segment never opened, or outside its segment', () => {
      expect(() => store.segments.flushMinute(newId(), minute(T0), [])).toThrow(expect.objectContaining({ code: 'SEGMENT_MISSING' }));
      const h = header();
      store.segments.openSegment(h);
      expect(() => store.segments.flushMinute(h.id, minute(T0 + 600), [])).toThrow(
        expect.objectContaining({ code: 'MINUTE_OUTSIDE_SEGMENT' }),
      );
      expect(() => store.segments.flushMinute(h.id, minute(T0 - 60), [])).toThrow(StoreError);
    });

    it('cuts overlong app names and titles to the shared limits and folds those that become equal', () => {
      const h = header();
      store.segments.openSegment(h);
      const long = 'x'.repeat(2000);
      store.segments.flushMinute(h.id, minute(T0), [
        { app: 'browser', title: `${long}A`, ms: 1000 },
        { app: 'browser', title: `${long}B`, ms: 2000 },
        { app: 'y'.repeat(300), title: `${'z'.repeat(1023)}😀`, ms: 3000 },
      ]);
      const apps = store.segments.findSegment(h.contractId, T0)?.apps ?? [];
      expect(apps).toHaveLength(2);
      expect(apps).toContainEqual({ minuteAt: T0, app: 'browser', title: 'x'.repeat(1024), ms: 3000 });
      // The emoji's surrogate pair is not split in half.
      expect(apps).toContainEqual({ minuteAt: T0, app: 'y'.repeat(256), title: 'z'.repeat(1023), ms: 3000 });
      expect(() => segmentRecordSchema.parse(store.segments.get(h.id))).not.toThrow();
    });
  });

  it('refuses a second segment for the same contract and start with another id', () => {
    store.segments.openSegment(header());
    expect(() => store.segments.openSegment(header())).toThrow(expect.objectContaining({ code: 'SEGMENT_CONFLICT' }));
    // Another contract may start at the same moment.
    store.segments.openSegment(header({ contractId: 'contract-b' }));
  });

  describe('idle decisions', () => {
    // Two adjacent segments of contract-a and one of contract-b over the same time:
    //   a1: T0 .. T0+600     a2: T0+600 .. T0+1200     b: T0 .. T0+600
    // The idle stretch [T0+480, T0+720) covers a1's last two minutes and a2's first two.
    let a1: string;
    let a2: string;
    let b: string;
    beforeEach(() => {
      [a1, a2, b] = [newId(), newId(), newId()];
      store.segments.openSegment(header({ id: a1 }));
      store.segments.openSegment(header({ id: a2, startedAt: T0 + 600 }));
      store.segments.openSegment(header({ id: b, contractId: 'contract-b' }));
      for (let s = 0; s < 10; s++) {
        store.segments.flushMinute(a1, minute(T0 + s * 60), []);
        store.segments.flushMinute(a2, minute(T0 + 600 + s * 60), []);
        store.segments.flushMinute(b, minute(T0 + s * 60), []);
      }
    });

    it('markIdle flags exactly the minutes of that contract inside [from, to)', () => {
      expect(store.segments.markIdle('contract-a', T0 + 480, T0 + 720)).toBe(4);
      const idle = (id: string) => (minuteRows(id) as { started_at: number; idle: number }[]).filter((m) => m.idle === 1).map((m) => m.started_at);
      expect(idle(a1)).toEqual([T0 + 480, T0 + 540]);
      expect(idle(a2)).toEqual([T0 + 600, T0 + 660]);
      expect(idle(b)).toEqual([]);
      expect(store.segments.get(a1)?.idleSeconds).toBe(120);
      expect(store.segments.get(a1)?.trackedSeconds).toBe(600);
    });

    it('discardMinutes removes exactly those minutes, and the time with them', () => {
      expect(store.segments.discardMinutes('contract-a', T0 + 480, T0 + 720)).toBe(4);
      expect(minuteRows(a1)).toHaveLength(8);
      expect(minuteRows(a2)).toHaveLength(8);
      expect(minuteRows(b)).toHaveLength(10);
      expect(store.segments.get(a1)?.trackedSeconds).toBe(480);
      expect(store.segments.get(a2)?.minutes[0]?.startedAt).toBe(new Date((T0 + 720) * 1000).toISOString());
    });
  });

  describe('list', () => {
    it('produces the shared SegmentRecord shape, with seconds that add up exactly', () => {
      const h = header({ memo: 'weekly report', policyVersion: 7 });
      store.segments.openSegment(h);
      const partial = [30_500, 29_499, 60_000, 499, 0];
      // Each minute's own app time: 100 000 ms of code and 20 498 ms of slack over the segment.
      const slack = [4_100, 4_100, 4_100, 4_100, 4_098];
      partial.forEach((ms, i) =>
        store.segments.flushMinute(h.id, minute(T0 + i * 60, { trackedMs: ms, keyboard: i, mouse: 0, idle: i === 2 }), [
          { app: 'code', title: 'report.md', ms: 20_000 },
          { app: 'slack', title: 'general', ms: slack[i]! },
        ]),
      );
      const shotId = newId();
      store.screenshots.insert({
        id: shotId,
        segmentId: h.id,
        takenAt: T0 * 1000 + 123_456,
        width: 1280,
        height: 720,
        bytes: 91_234,
        blurred: false,
        policyVersion: 7,
        data: Buffer.alloc(100, 1),
      });

      const [record] = store.segments.list();
      expect(segmentRecordSchema.parse(record)).toEqual(record);
      expect(record).toEqual({
        id: h.id,
        contractId: 'contract-a',
        startedAt: '2026-01-05T09:00:00.000Z',
        lengthSeconds: 600,
        trackedSeconds: 31 + 29 + 60 + 0 + 0,
        idleSeconds: 60,
        memo: 'weekly report',
        minutes: partial.map((ms, i) => ({
          startedAt: new Date((T0 + i * 60) * 1000).toISOString(),
          trackedSeconds: Math.round(ms / 1000),
          keyboard: i,
          mouse: 0,
          active: i > 0,
          idle: i === 2,
        })),
        apps: [
          { app: 'code', title: 'report.md', seconds: 100 },
          { app: 'slack', title: 'general', seconds: 20 },
        ],
        screenshot: { id: shotId, takenAt: '2026-01-05T09:02:03.456Z', width: 1280, height: 720, bytes: 91_234 },
      });
      expect(record?.minutes.reduce((sum, m) => sum + m.trackedSeconds, 0)).toBe(record?.trackedSeconds);
      // Revision 1 at open, one more per minute written (the screenshot does not change what the server keeps).
      expect(store.segments.getForUpload(h.id)).toEqual({ ...record, policyVersion: 7, revision: 1 + partial.length });
      expect(store.segments.get(newId())).toBeNull();
    });

    it('orders by start and filters by contract and by since (segments ending after it)', () => {
      const ids = [0, 1, 2].map((i) => {
        const h = header({ startedAt: T0 + i * 600 });
        store.segments.openSegment(h);
        return h.id;
      });
      const other = header({ contractId: 'contract-b', startedAt: T0 + 600 });
      store.segments.openSegment(other);
      for (const record of store.segments.list()) segmentRecordSchema.parse(record);
      expect(store.segments.list().map((r) => r.id)).toEqual([ids[0], ids[1], other.id, ids[2]]);
      expect(store.segments.list({ contractId: 'contract-a' }).map((r) => r.id)).toEqual(ids);
      expect(store.segments.list({ since: T0 + 650 }).map((r) => r.id)).toEqual([ids[1], other.id, ids[2]]);
      expect(store.segments.list({ since: T0 + 1200, contractId: 'contract-b' })).toEqual([]);
    });

    it('reports an empty opened segment with zero seconds and no screenshot', () => {
      const h = header();
      store.segments.openSegment(h);
      const record = segmentRecordSchema.parse(store.segments.get(h.id));
      expect(record).toMatchObject({ trackedSeconds: 0, idleSeconds: 0, minutes: [], apps: [], screenshot: null });
    });
  });

  describe('revision', () => {
    const revision = (id: string) => store.segments.getForUpload(id)?.revision;

    it('starts at 1 and rises by one with every change of the segment, and only of that segment', () => {
      const a = header();
      const b = header({ startedAt: T0 + 600 });
      store.segments.openSegment(a);
      store.segments.openSegment(b);
      expect([revision(a.id), revision(b.id)]).toEqual([1, 1]);
      store.segments.openSegment(a); // opening again changes nothing
      store.segments.flushMinute(a.id, minute(T0), []);
      store.segments.flushMinute(a.id, minute(T0 + 60), []);
      expect(revision(a.id)).toBe(3);
      store.segments.setMemo(a.id, 'memo');
      expect(revision(a.id)).toBe(4);
      store.segments.markIdle(a.contractId, T0 + 60, T0 + 120);
      expect(revision(a.id)).toBe(5);
      store.segments.discardMinutes(a.contractId, T0 + 60, T0 + 120);
      expect(revision(a.id)).toBe(6);
      // A range with none of b's minutes leaves b alone.
      expect(revision(b.id)).toBe(1);
      store.segments.clearTime(a.id);
      expect(revision(a.id)).toBe(7);
      // Its time is removed: minutes written later are ignored, and so is the revision.
      store.segments.flushMinute(a.id, minute(T0 + 120), []);
      expect(revision(a.id)).toBe(7);
      expect(store.segments.getForUpload(a.id)).toMatchObject({ trackedSeconds: 0, minutes: [] });
    });

    it('does not rise when the write fails (one transaction with the change)', () => {
      const h = header();
      store.segments.openSegment(h);
      store.db.exec(`CREATE TRIGGER fail_app BEFORE INSERT ON minute_apps WHEN NEW.app = 'boom'
                     BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
      expect(() => store.segments.flushMinute(h.id, minute(T0), [{ app: 'boom', title: '', ms: 1 }])).toThrow(/simulated failure/);
      expect(revision(h.id)).toBe(1);
    });

    it('names one content: two reads at the same revision give the same body', () => {
      const h = header();
      store.segments.openSegment(h);
      store.segments.flushMinute(h.id, minute(T0, { trackedMs: 30_000 }), []);
      const first = store.segments.getForUpload(h.id);
      expect(store.segments.getForUpload(h.id)).toEqual(first);
      store.segments.flushMinute(h.id, minute(T0, { trackedMs: 45_000 }), []);
      const second = store.segments.getForUpload(h.id);
      expect(second?.revision).toBe((first?.revision ?? 0) + 1);
      expect(second?.trackedSeconds).toBe(45);
    });
  });

  describe('upload queue', () => {
    it('local mode queues nothing', () => {
      const h = header();
      store.segments.openSegment(h);
      store.segments.flushMinute(h.id, minute(T0), []);
      store.segments.markIdle(h.contractId, T0, T0 + 60);
      expect(store.outbox.counts().pending).toEqual({ segment: 0, screenshot: 0 });
    });

    it('server mode queues a segment once at open and marks it changed on every later write', () => {
      store.close();
      store = openTestStore(join(dir.path, 'worktrace.db'), 'server');
      const h = header();
      store.segments.openSegment(h);
      const queued = store.outbox.next(T0 * 1000);
      expect(queued).toMatchObject({ kind: 'segment', itemId: h.id, revision: 0 });
      store.segments.flushMinute(h.id, minute(T0), []);
      store.segments.setMemo(h.id, 'new memo');
      store.segments.markIdle(h.contractId, T0, T0 + 60);
      const after = store.outbox.due(T0 * 1000, 10);
      expect(after).toEqual([{ ...queued, revision: 3 }]);
      // Once delivered, the next change queues it again (the segment is already on the server).
      expect(store.outbox.markSent(after[0]!)).toBe(true);
      store.segments.discardMinutes(h.contractId, T0, T0 + 60);
      expect(store.outbox.next(T0 * 1000)).toMatchObject({ kind: 'segment', itemId: h.id });
    });

    it('a save of the open minute is stored at once but queued with the minute’s end, or at the next open after a crash', () => {
      const file = join(dir.path, 'worktrace.db');
      store.close();
      store = openTestStore(file, 'server');
      const h = header();
      store.segments.openSegment(h);
      store.segments.flushMinute(h.id, minute(T0), [{ app: 'code', title: 'a.ts', ms: 60_000 }]);
      expect(store.outbox.markSent(store.outbox.next(T0 * 1000)!)).toBe(true); // the server has 09:00
      const revision = store.segments.getForUpload(h.id)!.revision!;

      // Saves of 09:01 while it is open: stored (a new revision each), not queued (no upload every 10 s).
      store.segments.saveMinute(h.id, minute(T0 + 60, { trackedMs: 10_000 }), [{ app: 'code', title: 'a.ts', ms: 10_000 }]);
      store.segments.saveMinute(h.id, minute(T0 + 60, { trackedMs: 20_000 }), [{ app: 'code', title: 'a.ts', ms: 20_000 }]);
      expect(store.outbox.counts().pending.segment).toBe(0);
      expect(store.segments.getForUpload(h.id)).toMatchObject({ revision: revision + 2, trackedSeconds: 80 });

      // The agent is killed here. The next open (any command, the restarted agent) queues what the saves changed.
      store.close();
      store = openTestStore(file, 'server');
      expect(store.outbox.due(T0 * 1000, 10).map((i) => [i.kind, i.itemId])).toEqual([['segment', h.id]]);
      expect(store.segments.queueOwedUploads()).toBe(0); // once
      expect(store.outbox.markSent(store.outbox.next(T0 * 1000)!)).toBe(true);

      // Without a crash, the minute's own write queues it and nothing is left owed.
      store.segments.saveMinute(h.id, minute(T0 + 60, { trackedMs: 30_000 }), []);
      store.segments.flushMinute(h.id, minute(T0 + 60), []);
      expect(store.outbox.counts().pending.segment).toBe(1);
      expect(store.segments.queueOwedUploads()).toBe(0);
    });

    it('local mode: a save owes no upload', () => {
      const h = header();
      store.segments.openSegment(h);
      store.segments.saveMinute(h.id, minute(T0, { trackedMs: 10_000 }), []);
      expect(store.segments.queueOwedUploads()).toBe(0);
      expect(store.db.prepare('SELECT upload_owed FROM segments').all()).toEqual([{ upload_owed: 0 }]);
      expect(store.segments.get(h.id)?.trackedSeconds).toBe(10);
    });
  });
});
