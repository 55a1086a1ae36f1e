import { readdirSync, readFileSync, statSync } from 'node:fs';
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
          if (readFileSync(full).includes(needle)) hits.push(full);
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
