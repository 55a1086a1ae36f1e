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
}

export class StorageKeyError extends Error {
  override readonly name = 'StorageKeyError';
  readonly code = 'STORAGE_KEY_INVALID';
}
