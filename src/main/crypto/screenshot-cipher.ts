import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CryptoError } from './errors.js';

/**
 * Screenshots at rest: AES-256-GCM, one fresh random IV per image.
 *
 *   blob = version (1 byte) | IV (12 bytes) | GCM tag (16 bytes) | ciphertext
 *
 * The screenshot id is the additional authenticated data, so a blob copied into another row (another
 * screenshot's id) fails to decrypt instead of showing the wrong image. The version byte lets a later
 * agent change the format while still reading old blobs.
 */
export const BLOB_VERSION = 1;
export const KEY_BYTES = 32;
const IV_BYTES = 12; // the GCM standard nonce size; random IVs are safe far beyond any screenshot count
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

export function encryptScreenshot(key: Buffer, id: string, plaintext: Buffer): Buffer {
  requireKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(id, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(BLOB_VERSION), iv, cipher.getAuthTag(), ciphertext]);
}

export function decryptScreenshot(key: Buffer, id: string, blob: Buffer): Buffer {
  requireKey(key);
  if (blob.length < HEADER_BYTES) {
    throw new CryptoError('BLOB_TRUNCATED', `Screenshot ${id} is damaged (${blob.length} bytes stored): it cannot be shown.`);
  }
  const version = blob[0];
  if (version !== BLOB_VERSION) {
    throw new CryptoError('BLOB_UNSUPPORTED', `Screenshot ${id} uses storage format ${version}: upgrade Worktrace to open it.`);
  }
  const iv = blob.subarray(1, 1 + IV_BYTES);
  const tag = blob.subarray(1 + IV_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(id, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(blob.subarray(HEADER_BYTES)), decipher.final()]);
  } catch (error) {
    // GCM cannot tell a wrong key from a changed byte or a swapped id; all three mean "do not trust it".
    throw new CryptoError(
      'DECRYPT_FAILED',
      `Screenshot ${id} cannot be decrypted: the key does not match or the stored data was altered.`,
      { cause: error },
    );
  }
}

function requireKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) {
    throw new CryptoError('KEY_INVALID', `A screenshot key must be ${KEY_BYTES} bytes, got ${key.length}.`);
  }
}
