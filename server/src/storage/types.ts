/**
 * Where screenshot images live, behind one interface: a directory on disk now, an S3-compatible
 * bucket later. Keys are opaque to callers; the database keeps them next to the metadata.
 */
export interface ScreenshotStorage {
  /** Stores the bytes under a key derived from the id and returns that key. Replaces nothing silently. */
  put(id: string, bytes: Buffer): Promise<string>;
  /** The bytes, or undefined when nothing is stored under the key. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes the bytes for good. Deleting a missing key is not an error (the purge may retry). */
  delete(key: string): Promise<void>;
  /**
   * The keys of everything stored that was last written before `before` (epoch ms), in batches of at most
   * `batchSize`, for the sweep of files whose row never committed. Unfinished writes of that age (they
   * have no key) are removed for good on the way.
   */
  keysWrittenBefore(before: number, batchSize: number): AsyncIterable<string[]>;
}

export class StorageKeyError extends Error {
  override readonly name = 'StorageKeyError';
  readonly code = 'STORAGE_KEY_INVALID';
}
