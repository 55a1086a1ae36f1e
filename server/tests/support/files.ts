import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` whose bytes contain `needle` (symlinks and unreadable files are skipped). */
export function filesContaining(dir: string, needle: Buffer): string[] {
  const hits: string[] = [];
  const walk = (path: string) => {
    let entries: string[];
    try {
      entries = readdirSync(path);
    } catch {
      return;
    }
    for (const name of entries) {
      const full = join(path, name);
      let info;
      try {
        info = statSync(full);
      } catch {
        continue;
      }
      if (info.isDirectory()) walk(full);
      else if (info.isFile()) {
        try {
          if (fileContains(full, needle)) hits.push(full);
        } catch {
          // a file that vanished or cannot be read holds nothing we can see
        }
      }
    }
  };
  walk(dir);
  return hits;
}

/** Regular files under `dir`, recursively. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    for (const e of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out.push(full);
    }
  };
  try {
    walk(dir);
  } catch {
    return out;
  }
  return out;
}

/**
 * Whether the file holds `needle`, read in 8 MiB chunks that overlap by the needle's length (a Ceph OSD's block file
 * is a sparse gigabyte: it is never read whole into memory).
 */
function fileContains(path: string, needle: Buffer): boolean {
  const fd = openSync(path, 'r');
  // Most files searched are small (a database's pages): a buffer of their size, not of a chunk's.
  const chunk = Buffer.allocUnsafe(Math.min(fstatSync(fd).size, 8 * 1024 * 1024) + needle.length);
  try {
    let carried = 0;
    let position = 0;
    for (;;) {
      const read = readSync(fd, chunk, carried, chunk.length - carried, position);
      if (read === 0) return false;
      position += read;
      const filled = carried + read;
      if (chunk.subarray(0, filled).includes(needle)) return true;
      carried = Math.min(needle.length - 1, filled);
      chunk.copy(chunk, 0, filled - carried, filled);
    }
  } finally {
    closeSync(fd);
  }
}

/** The offsets in the file where `needle` starts (read in chunks like filesContaining; at most `limit` of them). */
export function offsetsIn(path: string, needle: Buffer, limit = 16): number[] {
  const found: number[] = [];
  const chunk = Buffer.alloc(8 * 1024 * 1024 + needle.length);
  const fd = openSync(path, 'r');
  try {
    let carried = 0;
    let position = 0;
    while (found.length < limit) {
      const read = readSync(fd, chunk, carried, chunk.length - carried, position);
      if (read === 0) break;
      const filled = carried + read;
      const base = position - carried;
      for (let at = chunk.subarray(0, filled).indexOf(needle); at >= 0 && found.length < limit; at = chunk.subarray(0, filled).indexOf(needle, at + 1)) {
        if (!found.includes(base + at)) found.push(base + at);
      }
      position += read;
      carried = Math.min(needle.length - 1, filled);
      chunk.copy(chunk, 0, filled - carried, filled);
    }
  } finally {
    closeSync(fd);
  }
  return found;
}

/** `length` bytes of the file from `offset`. */
export function bytesAt(path: string, offset: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    const read = readSync(fd, out, 0, length, offset);
    return out.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
