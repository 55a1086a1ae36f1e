import { chmodSync, closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

/**
 * Writes a whole file through a temporary file of the same mode and a rename: a crash never leaves half a file under
 * the real name, and the content is on disk before the name points at it. The mode is set again on the temporary
 * file because an older one of that name may have had wider permissions.
 */
export function writeFileAtomicSync(file: string, data: string | Buffer, mode: number): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temporary, mode);
  renameSync(temporary, file);
}
