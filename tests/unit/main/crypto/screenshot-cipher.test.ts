import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BLOB_VERSION, CryptoError, decryptScreenshot, encryptScreenshot } from '../../../../src/main/crypto/index.js';

const key = randomBytes(32);
const id = '01KAXQ7Z5J8Y3M2N4P6R8T0V1W';
const image = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(50_000)]);

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return (error as CryptoError).code;
  }
  return undefined;
}

describe('screenshot encryption', () => {
  it('round-trips, with the versioned layout: version | 12-byte IV | 16-byte tag | ciphertext', () => {
    const blob = encryptScreenshot(key, id, image);
    expect(blob[0]).toBe(BLOB_VERSION);
    expect(blob.length).toBe(1 + 12 + 16 + image.length);
    expect(blob.includes(image.subarray(0, 64))).toBe(false);
    expect(decryptScreenshot(key, id, blob)).toEqual(image);
    expect(decryptScreenshot(key, id, encryptScreenshot(key, id, Buffer.alloc(0)))).toEqual(Buffer.alloc(0));
  });

  it('uses a fresh IV each time, so the same image never gives the same blob', () => {
    const a = encryptScreenshot(key, id, image);
    const b = encryptScreenshot(key, id, image);
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('refuses a wrong key', () => {
    const blob = encryptScreenshot(key, id, image);
    expect(codeOf(() => decryptScreenshot(randomBytes(32), id, blob))).toBe('DECRYPT_FAILED');
  });

  it('refuses a tampered blob: a flipped bit in the ciphertext, the tag or the IV', () => {
    const blob = encryptScreenshot(key, id, image);
    for (const offset of [5, 20, 29, 1000, blob.length - 1]) {
      const tampered = Buffer.from(blob);
      tampered[offset]! ^= 0x01;
      expect(codeOf(() => decryptScreenshot(key, id, tampered))).toBe('DECRYPT_FAILED');
    }
    expect(codeOf(() => decryptScreenshot(key, id, blob.subarray(0, blob.length - 1)))).toBe('DECRYPT_FAILED');
  });

  it("refuses a blob moved to another screenshot's id (the id is authenticated data)", () => {
    const blob = encryptScreenshot(key, id, image);
    expect(codeOf(() => decryptScreenshot(key, '01KAXQ7Z5J8Y3M2N4P6R8T0V1X', blob))).toBe('DECRYPT_FAILED');
  });

  it('names a truncated blob, an unknown version and a key of the wrong size', () => {
    const blob = encryptScreenshot(key, id, image);
    expect(codeOf(() => decryptScreenshot(key, id, blob.subarray(0, 28)))).toBe('BLOB_TRUNCATED');
    const future = Buffer.from(blob);
    future[0] = 2;
    expect(codeOf(() => decryptScreenshot(key, id, future))).toBe('BLOB_UNSUPPORTED');
    expect(codeOf(() => encryptScreenshot(randomBytes(16), id, image))).toBe('KEY_INVALID');
    expect(codeOf(() => decryptScreenshot(randomBytes(31), id, blob))).toBe('KEY_INVALID');
  });
});
