import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { StorageKeyError, type ScreenshotStorage } from './types.js';

/**
 * Screenshots as files under `<root>/<first two id characters>/<id>-<random>`: each upload gets its own
 * key, so a losing concurrent upload can remove its file without touching the winner's. Writes go to a temporary file
 * that is synced and renamed, so a crash never leaves half an image under a real key. Deletion
 * overwrites the file with zeros before unlinking it: on an ordinary (non copy-on-write) file system
 * the image bytes are then gone from the disk, not merely unlinked.
 */
export class DiskScreenshotStorage implements ScreenshotStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    const rel = relative(this.root, path);
    if (rel.startsWith('..') || rel.includes(`..${sep}`) || rel === '' || !/^[0-9A-Za-z/_-]+$/.test(key)) {
      throw new StorageKeyError(`not a storage key: ${JSON.stringify(key)}`);
    }
    return path;
  }

  async put(id: string, bytes: Buffer): Promise<string> {
    const key = `${id.slice(0, 2)}/${id}-${randomBytes(8).toString('hex')}`;
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temp = join(dirname(path), `.${randomBytes(8).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    return key;
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
    const path = this.pathOf(key);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const handle = await open(path, 'r+');
    try {
      await handle.write(Buffer.alloc(size), 0, size, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rm(path, { force: true });
  }
}
