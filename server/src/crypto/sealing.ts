import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import type { ServerKeyRing } from './server-keys.js';

/**
 * Screenshots at rest on the server (crypto-shredding). Each screenshot is sealed with a data key of its own
 * (AES-256-GCM, 32 random bytes), and only that key's wrapped form (AES-256-GCM under the server key, which never
 * sits in the database) is kept, in the screenshot's row:
 *
 *   object (in the store)  = version 1 (1 byte) | IV (12) | ciphertext | GCM tag (16)     AAD "worktrace-screenshot:<id>"
 *   wrapped key (in the row) = version 1 (1 byte) | IV (12) | wrapped data key (32) | tag (16)  AAD "worktrace-screenshot-key:<id>"
 *
 * Deleting a screenshot destroys its wrapped key with the row first, then the object: whatever copy of the object a
 * store, a file system or an SSD keeps afterwards can no longer be opened. The tag sits at the end so the object can
 * be written as a stream. The screenshot id is bound into both (AAD), so an object or a wrapped key copied onto
 * another row fails to open instead of showing the wrong image.
 */
export const SEALED_VERSION = 1;
const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** What sealing adds to an image's size. */
export const SEALING_OVERHEAD_BYTES = 1 + IV_BYTES + TAG_BYTES;

export class SealingError extends Error {
  override readonly name = 'SealingError';
  constructor(
    readonly code: 'SEALED_OBJECT_INVALID' | 'SEALED_OBJECT_UNREADABLE' | 'SCREENSHOT_KEY_UNREADABLE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The data key of one screenshot as the row keeps it: which server key wrapped it, and the wrapped bytes (base64). */
export interface WrappedKey {
  readonly keyId: string;
  readonly wrapped: string;
}

const objectAad = (id: string) => Buffer.from(`worktrace-screenshot:${id}`, 'utf8');
const keyAad = (id: string) => Buffer.from(`worktrace-screenshot-key:${id}`, 'utf8');

function gcmSeal(key: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  return Buffer.concat([Buffer.of(SEALED_VERSION), iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Undefined when the key does not open it (wrong key, altered bytes, another id: GCM cannot tell them apart). */
function gcmOpen(key: Buffer, aad: Buffer, sealed: Buffer): Buffer | undefined {
  if (sealed.length < SEALING_OVERHEAD_BYTES || sealed[0] !== SEALED_VERSION) return undefined;
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** A fresh data key for screenshot `id`, and its wrapped form under the ring's current server key. */
function newDataKey(ring: ServerKeyRing, id: string): { dataKey: Buffer; key: WrappedKey } {
  const dataKey = randomBytes(DATA_KEY_BYTES);
  const current = ring.current();
  return { dataKey, key: { keyId: current.id, wrapped: gcmSeal(current.key, keyAad(id), dataKey).toString('base64') } };
}

/** Seals one screenshot under a fresh data key, wrapped by the ring's current server key. */
export function sealScreenshot(ring: ServerKeyRing, id: string, image: Buffer): { sealed: Buffer; key: WrappedKey } {
  const { dataKey, key } = newDataKey(ring, id);
  const sealed = gcmSeal(dataKey, objectAad(id), image);
  dataKey.fill(0);
  return { sealed, key };
}

/**
 * The same sealed object as sealScreenshot's, made as the image passes through (an upload is never held whole):
 * version and IV first, the ciphertext chunk by chunk, the tag when the image ends. What comes out of `stream` is
 * `SEALING_OVERHEAD_BYTES` longer than what goes in.
 */
export function sealingStream(ring: ServerKeyRing, id: string): { stream: Transform; key: WrappedKey } {
  const { dataKey, key } = newDataKey(ring, id);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
  dataKey.fill(0); // the cipher holds its own copy
  cipher.setAAD(objectAad(id));
  let started = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (!started) {
        started = true;
        this.push(Buffer.concat([Buffer.of(SEALED_VERSION), iv]));
      }
      done(null, cipher.update(chunk));
    },
    flush(done) {
      const head = started ? Buffer.alloc(0) : Buffer.concat([Buffer.of(SEALED_VERSION), iv]);
      done(null, Buffer.concat([head, cipher.final(), cipher.getAuthTag()]));
    },
  });
  return { stream, key };
}

/** The data key of screenshot `id`; throws when its server key is not in the ring or does not open it. */
export function unwrapScreenshotKey(ring: ServerKeyRing, id: string, key: WrappedKey): Buffer {
  const serverKey = ring.find(key.keyId);
  if (!serverKey) {
    throw new SealingError('SCREENSHOT_KEY_UNREADABLE', `screenshot ${id} was sealed under server key "${key.keyId}", which this server does not have`);
  }
  const dataKey = gcmOpen(serverKey, keyAad(id), Buffer.from(key.wrapped, 'base64'));
  if (!dataKey || dataKey.length !== DATA_KEY_BYTES) {
    throw new SealingError('SCREENSHOT_KEY_UNREADABLE', `the key of screenshot ${id} does not open with server key "${key.keyId}"`);
  }
  return dataKey;
}

/** The image of screenshot `id` from its sealed object; throws when the object was altered or belongs elsewhere. */
export function openScreenshot(ring: ServerKeyRing, id: string, key: WrappedKey, sealed: Buffer): Buffer {
  const dataKey = unwrapScreenshotKey(ring, id, key);
  try {
    const image = gcmOpen(dataKey, objectAad(id), sealed);
    if (!image) throw new SealingError('SEALED_OBJECT_UNREADABLE', `the stored object of screenshot ${id} does not open with its key: it was altered or is not this screenshot's`);
    return image;
  } finally {
    dataKey.fill(0);
  }
}

/** The same data key wrapped again under the ring's current server key (key rotation); the object is not touched. */
export function rewrapScreenshotKey(ring: ServerKeyRing, id: string, key: WrappedKey): WrappedKey {
  const dataKey = unwrapScreenshotKey(ring, id, key);
  try {
    const current = ring.current();
    return { keyId: current.id, wrapped: gcmSeal(current.key, keyAad(id), dataKey).toString('base64') };
  } finally {
    dataKey.fill(0);
  }
}

/** Tries to open `sealed` with a bare data key (what a test does with bytes found where deleted objects lingered). */
export function openWithDataKey(dataKey: Buffer, id: string, sealed: Buffer): Buffer | undefined {
  return gcmOpen(dataKey, objectAad(id), sealed);
}
