import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small tmpfs of our own to fill: the agent's data directory on a disk that really runs out of space (ENOSPC,
 * SQLITE_FULL), with nothing else on the machine affected. Mounting needs root, which this machine and CI have;
 * when it fails the test fails (in CI and elsewhere): a full-disk test that quietly did not fill a disk proves nothing.
 */
export interface SmallDisk {
  readonly path: string;
  /** Bytes this user may still write there. */
  freeBytes(): number;
  /** Writes a filler file until the disk refuses even 512 bytes; returns how many bytes it took. */
  fill(): number;
  /** Deletes the filler: the space is back. */
  free(): void;
  unmount(): void;
}

export function mountSmallDisk(sizeMb: number): SmallDisk {
  const path = mkdtempSync(join(tmpdir(), 'worktrace-full-disk-'));
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', path], { encoding: 'utf8' });
  if (mount.status !== 0) {
    rmdirSync(path);
    throw new Error(`cannot mount a ${sizeMb} MB tmpfs at ${path} (needs root): ${mount.stderr || mount.error?.message || `exit ${mount.status}`}`);
  }
  const filler = join(path, 'filler');
  let filled = false;
  return {
    path,
    freeBytes() {
      const fs = statfsSync(path);
      return fs.bavail * fs.bsize;
    },
    fill() {
      const fd = openSync(filler, 'a');
      let written = 0;
      try {
        // Halve the chunk at each refusal: the last few pages go too, so not even a WAL frame fits.
        for (let chunk = 1 << 20; chunk >= 512; ) {
          try {
            written += writeSync(fd, Buffer.alloc(chunk, 0x5a));
          } catch (error) {
            if ((error as { code?: string }).code !== 'ENOSPC') throw error;
            chunk >>= 1;
          }
        }
      } finally {
        closeSync(fd);
      }
      filled = true;
      return written;
    },
    free() {
      if (filled) unlinkSync(filler);
      filled = false;
    },
    unmount() {
      // A process still holding a file there (a failed test) must not leave the mount behind: lazy as a fallback.
      if (spawnSync('umount', [path]).status !== 0) spawnSync('umount', ['-l', path]);
      rmdirSync(path);
    },
  };
}
