import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

/**
 * Where screenshot objects live, behind one interface: a directory on disk (the default) or an S3-compatible bucket
 * (several instances). Keys are opaque to callers; the database keeps them next to the metadata. What is stored is
 * already sealed (crypto/sealing.ts): a store never sees an image.
 */
export interface ScreenshotStorage {
  /** What the readiness endpoint and the logs call it: "disk" or "s3". */
  readonly kind: 'disk' | 's3';
  /**
   * Stores the bytes under a new key derived from the id and returns that key. Replaces nothing silently. A stream
   * is written as it arrives (an upload is never held whole); `length` is its byte count when known (S3's PutObject
   * streams only a body of known length). When the stream fails, nothing is left under the key.
   */
  put(id: string, body: Buffer | Readable, length?: number): Promise<string>;
  /** Stores the bytes under `key` (a key another store made: `storage migrate` keeps keys as they are). */
  putAt(key: string, bytes: Buffer): Promise<void>;
  /** The bytes, or undefined when nothing is stored under the key. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes the bytes. Deleting a missing key is not an error (the purge may retry). */
  delete(key: string): Promise<void>;
  /**
   * The keys of everything stored that was last written before `before` (epoch ms), in batches of at most
   * `batchSize`, for the sweep of files whose row never committed. Unfinished writes of that age (they
   * have no key) are removed for good on the way.
   */
  keysWrittenBefore(before: number, batchSize: number): AsyncIterable<string[]>;
  /** Every key stored now, in no particular order. */
  list(): AsyncIterable<string>;
  /** Throws when the store cannot be reached now (readiness). */
  check(): Promise<void>;
}

export class StorageKeyError extends Error {
  override readonly name = 'StorageKeyError';
  readonly code = 'STORAGE_KEY_INVALID';
}

const STORAGE_KEY = /^[0-9A-Za-z][0-9A-Za-z/_-]*$/;

/**
 * A new key for screenshot `id`: `<first two id characters>/<id>-<random>`. Each upload gets its own key, so a
 * losing concurrent upload can remove its object without touching the winner's.
 */
export function newStorageKey(id: string): string {
  const key = `${id.slice(0, 2)}/${id}-${randomBytes(8).toString('hex')}`;
  requireStorageKey(key);
  return key;
}

/** Refuses anything but the keys newStorageKey makes (no `..`, no absolute paths, no odd characters). */
export function requireStorageKey(key: string): string {
  if (!STORAGE_KEY.test(key) || key.split('/').some((part) => part === '' || part === '.' || part === '..') || key.length > 200) {
    throw new StorageKeyError(`not a storage key: ${JSON.stringify(key)}`);
  }
  return key;
}
