import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { openScreenshot, SEALING_OVERHEAD_BYTES, sealingStream } from '../crypto/sealing.js';
import type { ServerKeyRing } from '../crypto/server-keys.js';
import type { RepositorySet, ScreenshotRow } from '../repository/index.js';
import type { ScreenshotStorage } from '../storage/types.js';

/** Where a stored screenshot's object is and the key it is sealed with, as its row keeps them. */
export interface StoredObject {
  readonly storageKey: string;
  readonly keyId: string;
  readonly wrappedKey: string;
}

/**
 * Screenshot images in and out of the store, sealed (crypto/sealing.ts): the store only ever holds sealed objects,
 * the row holds the object's wrapped key. Screenshots stored before sealing existed (no key in the row) are read as
 * they were stored; `storage migrate` seals them on their way to another store.
 */
export class ScreenshotObjects {
  constructor(
    readonly storage: ScreenshotStorage,
    readonly keys: ServerKeyRing,
  ) {}

  /**
   * Seals `image` under a key of its own as it arrives and stores it; the caller records the result in the row.
   * `length` is the image's byte count when known. When the image stream fails, nothing is stored and this throws.
   */
  async store(id: string, image: Readable | Buffer, length = Buffer.isBuffer(image) ? image.length : undefined): Promise<StoredObject> {
    const { stream, key } = sealingStream(this.keys, id);
    const source = Buffer.isBuffer(image) ? Readable.from([image]) : image;
    source.once('error', (error) => stream.destroy(error));
    // The store learns of a failure by reading the stream (a destroyed stream reads as failed, and put rejects). Until
    // it starts reading (a disk store opens its file first), this listener keeps pipe() from throwing the error as
    // uncaught.
    stream.on('error', () => undefined);
    source.pipe(stream);
    const storageKey = await this.storage.put(id, stream, length === undefined ? undefined : length + SEALING_OVERHEAD_BYTES);
    return { storageKey, keyId: key.keyId, wrappedKey: key.wrapped };
  }

  /** The image of a stored screenshot, or undefined when the store no longer has its object. */
  async read(row: ScreenshotRow): Promise<Buffer | undefined> {
    if (!row.storageKey) return undefined;
    const object = await this.storage.get(row.storageKey);
    if (!object) return undefined;
    if (row.keyId === null || row.wrappedKey === null) return object; // stored before sealing
    return openScreenshot(this.keys, row.id, { keyId: row.keyId, wrapped: row.wrappedKey }, object);
  }

  /** Removes an object no row refers to (a losing upload). */
  async discard(storageKey: string): Promise<void> {
    await this.storage.delete(storageKey);
  }

  /**
   * Deletes from the store the objects whose rows are gone (queued by markRemoved in the row's transaction), oldest
   * first. Their keys went with their rows, so this only frees space; a failure is logged and retried by the next
   * call (each deletion, and the purge). Returns how many were deleted.
   */
  async deleteQueued(repos: Pick<RepositorySet, 'screenshots'>, logger: Logger, only?: readonly string[]): Promise<number> {
    let deleted = 0;
    for (;;) {
      const keys = only ?? (await repos.screenshots.queuedDeletions(200));
      if (keys.length === 0) return deleted;
      let progress = false;
      for (const key of keys) {
        try {
          await this.storage.delete(key);
          await repos.screenshots.deletionDone(key);
          deleted += 1;
          progress = true;
        } catch (error) {
          logger.warn({ err: error, storageKey: key }, 'could not delete a removed screenshot object from the store (its key is gone already); retried later');
        }
      }
      if (only || !progress) return deleted;
    }
  }
}
