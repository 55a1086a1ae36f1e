import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import {
  openScreenshot,
  rewrapScreenshotKey,
  SEALING_OVERHEAD_BYTES,
  sealingStream,
  sealScreenshot,
  SealingError,
  unwrapScreenshotKey,
  type WrappedKey,
} from '../../src/crypto/sealing.js';
import { keyRing } from '../../src/crypto/server-keys.js';
import { testKeyRing } from '../support/keys.js';

const ID = '01JABCDEFGHJKMNPQRSTVWXYZ0';
const OTHER_ID = '01JABCDEFGHJKMNPQRSTVWXYZ1';

/** The stream's output for `image` fed in pieces of `piece` bytes. */
async function sealedByStream(ring: ReturnType<typeof testKeyRing>, id: string, image: Buffer, piece: number): Promise<{ sealed: Buffer; key: WrappedKey }> {
  const { stream, key } = sealingStream(ring, id);
  const pieces = Array.from({ length: Math.ceil(image.length / piece) }, (_, i) => image.subarray(i * piece, (i + 1) * piece));
  const sealed = await buffer(Readable.from(pieces).pipe(stream));
  return { sealed, key };
}

/** The error `open` throws, for matching its code and words. */
function failureOf(open: () => unknown): SealingError {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(SealingError);
    return error as SealingError;
  }
  throw new Error('it opened');
}

describe('sealing screenshots', () => {
  const ring = testKeyRing('k1');
  const image = randomBytes(100_000);

  it('streams the same object the whole-buffer sealing makes: it opens to the image, whatever the pieces', async () => {
    for (const [length, piece] of [[4096, 1], [4096, 7], [image.length, 16_384], [image.length, image.length]] as const) {
      const plain = image.subarray(0, length);
      const { sealed, key } = await sealedByStream(ring, ID, plain, piece);
      expect(sealed.length).toBe(plain.length + SEALING_OVERHEAD_BYTES);
      expect(openScreenshot(ring, ID, key, sealed).equals(plain)).toBe(true);
      expect(sealed.includes(plain.subarray(1_000, 1_032))).toBe(false);
    }
    const empty = await sealedByStream(ring, ID, Buffer.alloc(0), 1);
    expect(openScreenshot(ring, ID, empty.key, empty.sealed)).toEqual(Buffer.alloc(0));
  });

  it('refuses a changed byte anywhere in the object: SEALED_OBJECT_UNREADABLE, never other bytes', async () => {
    const { sealed, key } = sealScreenshot(ring, ID, image);
    for (const at of [1, 12, 13, sealed.length >> 1, sealed.length - 17, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      expect(failureOf(() => openScreenshot(ring, ID, key, tampered)).code).toBe('SEALED_OBJECT_UNREADABLE');
    }
    const otherVersion = Buffer.from(sealed);
    otherVersion[0] = 2;
    expect(failureOf(() => openScreenshot(ring, ID, key, otherVersion)).code).toBe('SEALED_OBJECT_UNREADABLE');
  });

  it('refuses a truncated object, down to nothing', () => {
    const { sealed, key } = sealScreenshot(ring, ID, image);
    for (const length of [sealed.length - 1, sealed.length - 16, SEALING_OVERHEAD_BYTES, 5, 0]) {
      const error = failureOf(() => openScreenshot(ring, ID, key, sealed.subarray(0, length)));
      expect(error.code).toBe('SEALED_OBJECT_UNREADABLE');
      expect(error.message).toContain(ID);
    }
  });

  it('refuses an object or a wrapped key moved onto another screenshot id', () => {
    const { sealed, key } = sealScreenshot(ring, ID, image);
    const other = sealScreenshot(ring, OTHER_ID, image);
    // The key of OTHER_ID opening ID's object: the key unwraps (it is OTHER_ID's), the object does not open.
    expect(failureOf(() => openScreenshot(ring, OTHER_ID, other.key, sealed)).code).toBe('SEALED_OBJECT_UNREADABLE');
    // ID's wrapped key on OTHER_ID's row: the key itself does not unwrap.
    expect(failureOf(() => openScreenshot(ring, OTHER_ID, key, other.sealed)).code).toBe('SCREENSHOT_KEY_UNREADABLE');
  });

  it('says which server key is missing, and refuses a key of the same id that is not the one it was sealed under', () => {
    const { sealed, key } = sealScreenshot(ring, ID, image);
    const missing = failureOf(() => openScreenshot(testKeyRing('k2'), ID, key, sealed));
    expect(missing.code).toBe('SCREENSHOT_KEY_UNREADABLE');
    expect(missing.message).toContain('"k1"');
    expect(missing.message).toContain('does not have');
    const impostor = failureOf(() => openScreenshot(testKeyRing('k1'), ID, key, sealed));
    expect(impostor.code).toBe('SCREENSHOT_KEY_UNREADABLE');
    expect(impostor.message).toContain('does not open');
    const garbage = failureOf(() => unwrapScreenshotKey(ring, ID, { keyId: 'k1', wrapped: 'bm90IGEga2V5' }));
    expect(garbage.code).toBe('SCREENSHOT_KEY_UNREADABLE');
  });

  it('rewraps a key under the new current server key without touching the object', () => {
    const { sealed, key } = sealScreenshot(ring, ID, image);
    const rotated = keyRing([{ id: 'k2', key: randomBytes(32) }, { id: 'k1', key: ring.find('k1') as Buffer }]);
    const rewrapped = rewrapScreenshotKey(rotated, ID, key);
    expect(rewrapped.keyId).toBe('k2');
    const onlyNew = keyRing([{ id: 'k2', key: rotated.find('k2') as Buffer }]);
    expect(openScreenshot(onlyNew, ID, rewrapped, sealed).equals(image)).toBe(true);
    expect(failureOf(() => openScreenshot(onlyNew, ID, key, sealed)).code).toBe('SCREENSHOT_KEY_UNREADABLE');
  });
});
