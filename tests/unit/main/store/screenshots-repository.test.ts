import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decryptScreenshot, encryptScreenshot } from '../../../../src/main/crypto/index.js';
import type { Store, StoredScreenshot } from '../../../../src/main/store/index.js';
import { T0, header, makeTempDir, newId, openTestStore, recordShot, type TestDir } from './store-fixtures.js';

const KEY = Buffer.alloc(32, 7);

describe('ScreenshotsRepository', () => {
  let dir: TestDir;
  let store: Store;
  beforeEach(() => {
    dir = makeTempDir();
    store = openTestStore(join(dir.path, 'worktrace.db'), 'server');
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  /** Every queue row in order, due or not (a screenshot waits behind its queued segment). */
  const queue = () =>
    store.db.prepare('SELECT kind, item_id AS itemId FROM outbox ORDER BY seq').all() as { kind: string; itemId: string }[];

  /** The database, its WAL and its shared-memory file: everything SQLite writes for us. */
  const storeFiles = () => readdirSync(dir.path).map((name) => readFileSync(join(dir.path, name)));

  /** A segment starting `index` segments after T0, with one minute of time, and its screenshot of `size` bytes. */
  function shotIn(index: number, size: number): StoredScreenshot {
    return recordShot(store, index, { data: Buffer.alloc(size, index), blurred: index % 2 === 1, policyVersion: 2 });
  }

  it('stores, reads, lists and deletes, keeping the segment and its time', () => {
    const shot = shotIn(0, 1000);
    // Written without a count of private windows: none were painted out.
    expect(store.screenshots.get(shot.id)).toEqual({ ...shot, redactedWindows: 0 });
    const { data: _data, ...written } = shot;
    const meta = { ...written, redactedWindows: 0 };
    expect(store.screenshots.meta(shot.id)).toEqual(meta);
    expect(store.screenshots.list()).toEqual([meta]);
    expect(store.segments.findSegment('contract-a', T0)?.hasScreenshot).toBe(true);
    expect(queue()).toEqual([
      { kind: 'segment', itemId: shot.segmentId },
      { kind: 'screenshot', itemId: shot.id },
    ]);

    expect(store.screenshots.delete(shot.id)).toBe(true);
    expect(store.screenshots.delete(shot.id)).toBe(false);
    expect(store.screenshots.get(shot.id)).toBeNull();
    expect(queue()).toEqual([{ kind: 'segment', itemId: shot.segmentId }]);
    expect(store.segments.get(shot.segmentId)).toMatchObject({ trackedSeconds: 60, screenshot: null });
  });

  it("deleting a screenshot as the freelancer removes the segment's time with it, in one step", () => {
    const kept = shotIn(0, 500);
    const deleted = shotIn(1, 500);
    expect(store.deleteScreenshotWithTime(deleted.id)).toBe(true);
    expect(store.deleteScreenshotWithTime(deleted.id)).toBe(false);
    expect(store.segments.get(deleted.segmentId)).toMatchObject({ trackedSeconds: 0, minutes: [], apps: [], screenshot: null });
    expect(store.segments.get(kept.segmentId)).toMatchObject({ trackedSeconds: 60, screenshot: { id: kept.id } });
    // Its upload is dropped; the server is told of the deletion instead (server mode).
    expect(queue().filter((i) => i.itemId === deleted.id)).toEqual([{ kind: 'screenshot-deletion', itemId: deleted.id }]);
  });

  it('zeroes a deleted screenshot on disk instead of leaving its bytes in free pages', () => {
    const shot = shotIn(0, 20_000);
    const marker = Buffer.from('a-recognisable-blob-marker-0123456789');
    const data = Buffer.concat([marker, Buffer.alloc(20_000, 0x5a), marker]);
    const other = header({ startedAt: T0 + 600 });
    store.segments.openSegment(other);
    store.screenshots.insert({ ...shot, id: newId(), segmentId: other.id, data });
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const dbFile = join(dir.path, 'worktrace.db');
    expect(readFileSync(dbFile).indexOf(marker)).toBeGreaterThan(0);
    store.screenshots.evictForQuota(0);
    // No checkpoint of the test's own: the eviction erases before it returns (erase-deleted.test.ts).
    for (const bytes of storeFiles()) expect(bytes.indexOf(marker)).toBe(-1);
  });

  it('allows one screenshot per segment, and only for a segment that exists', () => {
    const shot = shotIn(0, 100);
    expect(() => store.screenshots.insert({ ...shot, id: newId() })).toThrow(expect.objectContaining({ code: 'SCREENSHOT_CONFLICT' }));
    expect(() => store.screenshots.insert({ ...shot, id: newId(), segmentId: newId() })).toThrow(
      expect.objectContaining({ code: 'SEGMENT_MISSING' }),
    );
  });

  it('drops the oldest screenshots first to fit the quota, and never the time', () => {
    const shots = [0, 1, 2, 3, 4].map((i) => shotIn(i, 1000));
    expect(store.screenshots.totalStoredBytes()).toBe(5000);
    expect(store.screenshots.evictForQuota(5000)).toEqual([]);

    const dropped = store.screenshots.evictForQuota(2500);
    expect(dropped.map((d) => d.id)).toEqual([shots[0]!.id, shots[1]!.id, shots[2]!.id]);
    expect(dropped[0]).toMatchObject({ storedBytes: 1000, segmentId: shots[0]!.segmentId, takenAt: shots[0]!.takenAt });
    expect(store.screenshots.totalStoredBytes()).toBe(2000);
    expect(store.screenshots.list().map((s) => s.id)).toEqual([shots[3]!.id, shots[4]!.id]);
    // Their queue entries went with them; the segments and minutes stay.
    expect(queue().filter((i) => i.kind === 'screenshot').map((i) => i.itemId)).toEqual([shots[3]!.id, shots[4]!.id]);
    expect(store.status.counts()).toMatchObject({ segments: 5, minutes: 5, screenshots: 2, screenshotStoredBytes: 2000 });

    expect(store.screenshots.evictForQuota(0).map((d) => d.id)).toEqual([shots[3]!.id, shots[4]!.id]);
    expect(store.screenshots.totalStoredBytes()).toBe(0);
  });

  it('drops copies the server already has before any unsent screenshot, each group oldest first', () => {
    const shots = [0, 1, 2, 3, 4, 5].map((i) => shotIn(i, 1000));
    const id = (i: number) => shots[i]!.id;
    // 2 and 4 were uploaded with their segments: the uploader's markSent took their queue entries, the local
    // copies stay to be looked at.
    for (const i of [4, 2]) {
      store.outbox.remove('segment', shots[i]!.segmentId);
      store.outbox.remove('screenshot', id(i));
    }
    // A personal (local) contract's screenshot is never uploaded: not in the queue, yet the only copy there is.
    const local = header({ contractId: 'local:personal', startedAt: T0 - 600 });
    store.segments.openSegment(local);
    store.screenshots.insert({ ...shots[0]!, id: newId(), segmentId: local.id, takenAt: (T0 - 570) * 1000 });
    store.outbox.remove('screenshot', store.screenshots.list()[0]!.id);
    const localId = store.screenshots.list()[0]!.id;

    const first = store.screenshots.evictForQuota(6000);
    expect(first.map((d) => [d.id, d.sent])).toEqual([[id(2), true]]);
    const second = store.screenshots.evictForQuota(3000);
    // The other sent copy first, then unsent ones by age: the local one is the oldest of them.
    expect(second.map((d) => [d.id, d.sent])).toEqual([
      [id(4), true],
      [localId, false],
      [id(0), false],
    ]);
    expect(store.screenshots.list().map((s) => s.id)).toEqual([id(1), id(3), id(5)]);
    expect(queue().filter((i) => i.kind === 'screenshot').map((i) => i.itemId)).toEqual([id(1), id(3), id(5)]);
    // Dropping a sent copy sends nothing again (the server has segment and image); an unsent one's segment goes
    // again without its screenshot reference.
    const queuedSegments = queue().filter((i) => i.kind === 'segment').map((i) => i.itemId);
    expect(queuedSegments).not.toContain(shots[2]!.segmentId);
    expect(queuedSegments).not.toContain(shots[4]!.segmentId);
    expect(queuedSegments).toContain(shots[0]!.segmentId);
    expect(store.status.counts()).toMatchObject({ segments: 7, minutes: 6, screenshots: 3 });
  });

  /** A real JPEG of a noisy picture, so its encoded bytes are varied like a screen's. */
  async function realJpeg(width: number, height: number): Promise<Buffer> {
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919 + Math.floor(i / 977)) % 251;
    const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 70 }).toBuffer();
    expect(jpeg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    return jpeg;
  }

  function storeEncrypted(jpeg: Buffer, index: number, width: number, height: number): string {
    const h = header({ startedAt: T0 + index * 600 });
    store.segments.openSegment(h);
    const id = newId();
    store.screenshots.insert({
      id,
      segmentId: h.id,
      takenAt: (h.startedAt + 1) * 1000,
      width,
      height,
      bytes: jpeg.length,
      blurred: false,
      policyVersion: 1,
      data: encryptScreenshot(KEY, id, jpeg),
    });
    return id;
  }

  it('keeps no plaintext image on disk: no JPEG or PNG signature after storing an encrypted real JPEG', async () => {
    // Small on purpose: a 3-byte signature turns up by chance in random bytes about once per 16 MB, so
    // a large ciphertext could contain FF D8 FF without any plaintext. The next test covers a screen-sized image.
    const jpeg = await realJpeg(96, 60);
    const id = storeEncrypted(jpeg, 0, 96, 60);
    const check = () => {
      for (const bytes of storeFiles()) {
        expect(bytes.indexOf(Buffer.from([0xff, 0xd8, 0xff]))).toBe(-1);
        expect(bytes.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBe(-1);
      }
    };
    check(); // still in the WAL
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    check(); // now in the database file
    expect(decryptScreenshot(KEY, id, store.screenshots.get(id)!.data)).toEqual(jpeg);
  });

  it('keeps no part of a screen-sized JPEG on disk', async () => {
    const jpeg = await realJpeg(1280, 720);
    const id = storeEncrypted(jpeg, 0, 1280, 720);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const files = storeFiles();
    expect(files.reduce((sum, bytes) => sum + bytes.length, 0)).toBeGreaterThan(jpeg.length);
    // Its header and 32-byte pieces of its body: none can appear by chance in ciphertext.
    const pieces = [jpeg.subarray(0, 16)];
    for (let offset = 1024; offset + 32 <= jpeg.length; offset += 4096) pieces.push(jpeg.subarray(offset, offset + 32));
    for (const bytes of files) for (const piece of pieces) expect(bytes.indexOf(piece)).toBe(-1);
    expect(decryptScreenshot(KEY, id, store.screenshots.get(id)!.data)).toEqual(jpeg);
  });
});
