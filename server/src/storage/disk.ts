import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, open, opendir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { newStorageKey, requireStorageKey, StorageKeyError, type ScreenshotStorage } from './types.js';

/** A file name put() gives an image (`<id>-<random>`), and the name of its temporary file while it is written. */
const STORED_NAME = /^[0-9A-Za-z_-]+$/;
const TEMP_NAME = /^\.[0-9a-f]{16}\.tmp$/;

/**
 * Screenshot objects as files under `<root>/<key>` (see newStorageKey). Writes go to a temporary file
 * that is synced and renamed, so a crash never leaves half an object under a real key. Deletion
 * overwrites the file with zeros before unlinking it: on an ordinary (non copy-on-write) file system
 * the bytes are then gone from the disk, not merely unlinked (and they were sealed to begin with). A crash between the file and its
 * database row leaves a file nobody names: keysWrittenBefore lists them for the sweep at start.
 */
export class DiskScreenshotStorage implements ScreenshotStorage {
  readonly kind = 'disk' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    requireStorageKey(key);
    const path = resolve(this.root, key);
    const rel = relative(this.root, path);
    if (rel.startsWith('..') || rel.includes(`..${sep}`) || rel === '') throw new StorageKeyError(`not a storage key: ${JSON.stringify(key)}`);
    return path;
  }

  async put(id: string, body: Buffer | Readable): Promise<string> {
    const key = newStorageKey(id);
    await this.putAt(key, body);
    return key;
  }

  /** A stream is written to the temporary file as it arrives; when it fails, the temporary file goes. */
  async putAt(key: string, body: Buffer | Readable): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temp = join(dirname(path), `.${randomBytes(8).toString('hex')}.tmp`); // TEMP_NAME
    const handle = await open(temp, 'wx', 0o600);
    try {
      try {
        if (Buffer.isBuffer(body)) await handle.writeFile(body);
        else for await (const chunk of body) await handle.write(chunk as Buffer); // one chunk at a time: backpressure
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (error) {
      await this.scrub(temp);
      throw error;
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.scrub(this.pathOf(key));
  }

  async *keysWrittenBefore(before: number, batchSize: number): AsyncIterable<string[]> {
    let batch: string[] = [];
    for (const dir of await this.subdirectories()) {
      // Streamed, not read whole: one directory can hold every image of years (ids start with their time).
      for await (const entry of await opendir(join(this.root, dir))) {
        if (!entry.isFile() || !(STORED_NAME.test(entry.name) || TEMP_NAME.test(entry.name))) continue;
        const path = join(this.root, dir, entry.name);
        const written = await stat(path).then((s) => s.mtimeMs, () => null);
        if (written === null || written >= before) continue;
        if (TEMP_NAME.test(entry.name)) {
          await this.scrub(path);
          continue;
        }
        batch.push(`${dir}/${entry.name}`);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }

  private async subdirectories(): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const entry of await opendir(this.root)) if (entry.isDirectory() && STORED_NAME.test(entry.name)) names.push(entry.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []; // nothing stored yet
      throw error;
    }
    return names.sort();
  }

  /** Zeros, then unlink: see the class comment. A missing file is already gone. */
  private async scrub(path: string): Promise<void> {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let handle;
    try {
      handle = await open(path, 'r+');
    } catch (error) {
      // Another deleter of the same key (the purge finishing a bulk deletion while the client repeats it) was first.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      await handle.write(Buffer.alloc(size), 0, size, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rm(path, { force: true });
  }

  async *list(): AsyncIterable<string> {
    for (const dir of await this.subdirectories()) {
      // Temporaries are writes in progress or left by a crash, not objects (keysWrittenBefore sweeps them).
      for await (const entry of await opendir(join(this.root, dir))) if (entry.isFile() && STORED_NAME.test(entry.name)) yield `${dir}/${entry.name}`;
    }
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await access(this.root, constants.W_OK | constants.R_OK);
  }
}
