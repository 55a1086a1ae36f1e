import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureScreenshotTaker } from '../../../src/main/capture/screenshot-taker.js';
import { decryptScreenshot, FileKeyStore } from '../../../src/main/crypto/index.js';
import { openNativeX11, type NativeX11 } from '../../../src/main/native/x11.js';
import { NativeScreenCapturer } from '../../../src/main/sensors/native/native-screen-capturer.js';
import { databasePath, openStore, type Store } from '../../../src/main/store/index.js';
import { requireTools, startDisplay, type TestDisplay } from '../../support/display.js';

// Long enough that random ciphertext cannot contain them by chance (a 3-byte JPEG marker could).
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The whole pipeline with real parts: Xvfb, the native capture as raw pixels, sharp, AES-GCM, a SQLite file. */
describe('capture -> encode -> encrypt -> store', () => {
  let display: TestDisplay;
  let x11: NativeX11;
  let dataDir: string;
  let store: Store;

  beforeAll(async () => {
    requireTools(['xsetroot']);
    display = await startDisplay({ width: 1920, height: 1080 });
    const opened = openNativeX11({ display: display.display });
    if (!opened.ok) throw opened.error;
    x11 = opened.x11;
    dataDir = await mkdtemp(join(tmpdir(), 'worktrace-capture-'));
    store = openStore({ file: databasePath(dataDir), clock: { now: () => Date.now() }, mode: 'local' });
  });
  afterAll(async () => {
    store?.close();
    x11?.session.close();
    await display?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('stores an encrypted, downscaled screenshot that decrypts to a JPEG of the screen, and no plaintext image on disk', async () => {
    display.run('xsetroot', ['-solid', '#00a000']);
    const keys = new FileKeyStore(dataDir);
    const taker = new CaptureScreenshotTaker({
      capturer: new NativeScreenCapturer(x11, { area: 'primary' }), // raw pixels: sharp downscales, blurs and encodes
      keys,
      screenshots: store.screenshots,
      newId: ulid,
    });
    const startedAt = Math.floor(Date.now() / 600_000) * 600;
    const shots: string[] = [];
    for (const mode of ['on', 'blurred'] as const) {
      const segmentId = ulid();
      store.segments.openSegment({ id: segmentId, contractId: 'c-1', startedAt: startedAt + shots.length * 600, lengthSeconds: 600, memo: null, policyVersion: 3 });
      const id = await taker.take({ segmentId, contractId: 'c-1', takenAt: Date.now(), mode, policyVersion: 3 });
      if (typeof id !== 'string') throw new Error(`no screenshot stored: ${JSON.stringify(id)}`);
      expect(id).not.toBeNull();
      shots.push(id!);
    }

    const key = await keys.loadOrCreate();
    const plaintextHeads: Buffer[] = [];
    for (const [i, id] of shots.entries()) {
      const stored = store.screenshots.get(id)!;
      expect(stored).toMatchObject({ width: 1280, height: 720, blurred: i === 1, policyVersion: 3 });
      const jpeg = decryptScreenshot(key, id, stored.data);
      expect(jpeg.length).toBe(stored.bytes);
      plaintextHeads.push(jpeg.subarray(0, 32));
      const meta = await sharp(jpeg).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'jpeg', width: 1280, height: 720 });
      const { data } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
      const centre = (360 * 1280 + 640) * 3;
      expect(data[centre + 1]).toBeGreaterThan(140); // the green root window
      expect(data[centre]).toBeLessThan(30);
    }

    store.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of await filesUnder(dataDir)) {
      const bytes = await readFile(file);
      for (const signature of [PNG_SIGNATURE, ...plaintextHeads]) expect(bytes.indexOf(signature), `${file} holds an image signature`).toBe(-1);
    }
  });
});
