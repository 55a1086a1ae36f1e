import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, isStoreError, type Store } from '../../../../src/main/store/index.js';
import { diskFullError, isDiskFull } from '../../../../src/main/store/errors.js';
import { T0, header, makeTempDir, minute, newId, openTestStore, type TestDir } from './store-fixtures.js';

/**
 * A full disk, made real without mounting anything: SQLite answers SQLITE_FULL ("database or disk is full")
 * when a write needs a page beyond `max_page_count`, exactly as when the file system has no block left.
 * /dev/full gives Node's ENOSPC. The tmpfs version runs in tests/integration/reliability/full-disk.test.ts.
 */
let dir: TestDir;
let store: Store;

beforeEach(() => {
  dir = makeTempDir('worktrace-full-');
  store = openTestStore(join(dir.path, 'worktrace.db'));
});

afterEach(() => {
  store.close();
  dir.remove();
});

/** No page beyond what the file has now (plus `slack` pages): the disk is full. */
function fillDisk(slack = 0): void {
  const pages = store.db.pragma('page_count', { simple: true }) as number;
  store.db.pragma(`max_page_count = ${pages + slack}`);
}

function freeDisk(): void {
  store.db.pragma('max_page_count = 4294967294');
}

function caught(write: () => void): unknown {
  try {
    write();
  } catch (error) {
    return error;
  }
  throw new Error('the write was expected to fail');
}

function screenshot(segmentId: string, size: number) {
  return { id: newId(), segmentId, takenAt: T0 * 1000 + 5000, width: 1280, height: 720, bytes: size, blurred: false, policyVersion: null, data: randomBytes(size) };
}

describe('a full disk is the named error DISK_FULL', () => {
  // SQLite needs room only for new pages: a write that fits in a page it has succeeds even at the limit, so each
  // refused write below is one that needs pages (many long window titles, a long memo, an image).
  const manyApps = Array.from({ length: 40 }, (_, i) => ({ app: `App ${i}`, title: `${i} ${'t'.repeat(1000)}`, ms: 1000 }));
  const longMemo = 'm'.repeat(2000);

  it('a refused minute, segment or screenshot write throws DISK_FULL naming the data directory, and leaves nothing behind', () => {
    const kept = header();
    store.segments.openSegment(kept);
    store.segments.flushMinute(kept.id, minute(T0), [{ app: 'Editor', title: 'a.ts', ms: 60_000 }]);
    const before = store.segments.list();
    fillDisk();

    const refusals = [
      caught(() => store.segments.flushMinute(kept.id, minute(T0 + 60), manyApps)),
      caught(() => store.screenshots.insert(screenshot(kept.id, 200_000))),
      caught(() => {
        for (let i = 1; i <= 20; i += 1) store.segments.openSegment(header({ startedAt: T0 + i * 600, memo: longMemo }));
      }),
    ];
    for (const error of refusals) {
      expect(error).toBeInstanceOf(StoreError);
      expect(isStoreError(error, 'DISK_FULL')).toBe(true);
      expect((error as StoreError).message).toBe(`disk full: no space left for ${dir.path}; free some space there.`);
      // SQLite's own error stays reachable for logs.
      expect(((error as Error).cause as { code?: string }).code).toBe('SQLITE_FULL');
    }
    // The refused minute and image left nothing; segments that still fitted in a page were written whole.
    expect(store.segments.get(kept.id)).toEqual(before[0]);
    expect(store.screenshots.list()).toEqual([]);
    expect(store.checkIntegrity()).toEqual({ ok: true, problems: [] });
  });

  it('the same writes succeed once space returns', () => {
    const seg = header();
    store.segments.openSegment(seg);
    fillDisk();
    expect(isDiskFull(caught(() => store.segments.flushMinute(seg.id, minute(T0), manyApps)))).toBe(true);
    expect(isDiskFull(caught(() => store.screenshots.insert(screenshot(seg.id, 200_000))))).toBe(true);
    freeDisk();
    store.segments.flushMinute(seg.id, minute(T0), manyApps);
    store.screenshots.insert(screenshot(seg.id, 200_000));
    expect(store.segments.get(seg.id)).toMatchObject({ trackedSeconds: 60, screenshot: { bytes: 200_000 } });
    expect(store.checkIntegrity().ok).toBe(true);
  });

  it('with a little room left, minutes still fit where a screenshot does not (time-only)', () => {
    const seg = header();
    store.segments.openSegment(seg);
    fillDisk(8);
    for (let m = 0; m < 10; m += 1) store.segments.flushMinute(seg.id, minute(T0 + m * 60), [{ app: 'Editor', title: 'a.ts', ms: (m + 1) * 60_000 }]);
    expect(isStoreError(caught(() => store.screenshots.insert(screenshot(seg.id, 200_000))), 'DISK_FULL')).toBe(true);
    expect(store.segments.get(seg.id)).toMatchObject({ trackedSeconds: 600, screenshot: null });
  });
});

describe('isDiskFull', () => {
  it("recognises Node's ENOSPC from a real write to /dev/full, also as a cause", () => {
    const enospc = caught(() => writeFileSync('/dev/full', 'x'));
    expect((enospc as { code?: string }).code).toBe('ENOSPC');
    expect(isDiskFull(enospc)).toBe(true);
    expect(isDiskFull(new Error('capture failed', { cause: enospc }))).toBe(true);
    expect(isDiskFull(diskFullError('/data', enospc))).toBe(true);
  });

  it('is false for other failures', () => {
    const enoent = caught(() => writeFileSync(join(dir.path, 'missing', 'file'), 'x'));
    const conflict = caught(() => {
      const seg = header();
      store.segments.openSegment(seg);
      store.segments.openSegment({ ...seg, id: newId() });
    });
    expect(isStoreError(conflict, 'SEGMENT_CONFLICT')).toBe(true);
    for (const error of [enoent, conflict, new Error('database or disk is full'), 'SQLITE_FULL', null, undefined]) {
      expect(isDiskFull(error)).toBe(false);
    }
  });
});
