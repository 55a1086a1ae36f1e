import * as fs from 'node:fs';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrivateFileError, writePrivateFile, type PrivateFileSystem } from '../../../../src/main/files/private-file.js';

/** The real node:fs, with every call the writer makes written down as "call path-or-fd-owner". */
function recordingFs(overrides: Partial<PrivateFileSystem> = {}): { fs: PrivateFileSystem; calls: string[] } {
  const calls: string[] = [];
  const pathOfFd = new Map<number, string>();
  const name = (fd: number): string => pathOfFd.get(fd) ?? `fd${fd}`;
  const real: PrivateFileSystem = {
    openSync: (path, flags, mode) => {
      const fd = fs.openSync(path, flags, mode);
      pathOfFd.set(fd, String(path));
      calls.push(`open ${String(path)} flags=${String(flags)} mode=${mode === undefined ? '-' : Number(mode).toString(8)}`);
      return fd;
    },
    fchmodSync: (fd, mode) => {
      calls.push(`fchmod ${name(fd)} ${Number(mode).toString(8)}`);
      fs.fchmodSync(fd, mode);
    },
    fstatSync: ((fd: number) => {
      calls.push(`fstat ${name(fd)}`);
      return fs.fstatSync(fd);
    }) as PrivateFileSystem['fstatSync'],
    writeSync: ((fd: number, buffer: Buffer, offset: number, length: number) => {
      calls.push(`write ${name(fd)}`);
      return fs.writeSync(fd, buffer, offset, length);
    }) as PrivateFileSystem['writeSync'],
    fsyncSync: (fd) => {
      calls.push(`fsync ${name(fd)}`);
      fs.fsyncSync(fd);
    },
    closeSync: (fd) => {
      calls.push(`close ${name(fd)}`);
      fs.closeSync(fd);
    },
    renameSync: (from, to) => {
      calls.push(`rename ${String(from)} ${String(to)}`);
      fs.renameSync(from, to);
    },
    linkSync: (from, to) => {
      calls.push(`link ${String(from)} ${String(to)}`);
      fs.linkSync(from, to);
    },
    unlinkSync: (path) => {
      calls.push(`unlink ${String(path)}`);
      fs.unlinkSync(path);
    },
  };
  return { fs: { ...real, ...overrides }, calls };
}

function codeOf(action: () => void): string | undefined {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(PrivateFileError);
    expect((error as Error).message).not.toContain('\n');
    return (error as PrivateFileError).code;
  }
  return undefined;
}

describe('writePrivateFile', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wt-private-'));
    file = join(dir, 'secret.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the file 0600 with umask 000 in a 0777 directory, and leaves no temporary behind', () => {
    chmodSync(dir, 0o777);
    const previous = process.umask(0o000);
    try {
      writePrivateFile(file, 'token', { replace: true });
    } finally {
      process.umask(previous);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(file).uid).toBe(process.getuid!());
    expect(readFileSync(file, 'utf8')).toBe('token');
    expect(readdirSync(dir)).toEqual(['secret.json']);
  });

  it('creates the temporary exclusively (no link followed), syncs it before the rename and the directory after', () => {
    const { fs: recorded, calls } = recordingFs();
    writePrivateFile(file, Buffer.from('sealed bytes'), { replace: true, fs: recorded });
    const temporary = calls[0]!.split(' ')[1]!;
    expect(temporary.startsWith(join(dir, '.secret.json.'))).toBe(true);
    const { O_CREAT, O_EXCL, O_WRONLY, O_NOFOLLOW, O_RDONLY } = fs.constants;
    expect(calls).toEqual([
      `open ${temporary} flags=${O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW} mode=600`,
      `fchmod ${temporary} 600`,
      `fstat ${temporary}`,
      `write ${temporary}`,
      `fsync ${temporary}`,
      `close ${temporary}`,
      `rename ${temporary} ${file}`,
      `open ${dir} flags=${O_RDONLY} mode=-`,
      `fsync ${dir}`,
      `close ${dir}`,
    ]);
    expect(readFileSync(file, 'utf8')).toBe('sealed bytes');
  });

  it('replace: false never clobbers: an existing file stays as it is and PRIVATE_FILE_EXISTS is thrown', () => {
    writeFileSync(file, 'first', { mode: 0o600 });
    const { fs: recorded, calls } = recordingFs();
    expect(codeOf(() => writePrivateFile(file, 'second', { replace: false, fs: recorded }))).toBe('PRIVATE_FILE_EXISTS');
    expect(readFileSync(file, 'utf8')).toBe('first');
    expect(readdirSync(dir)).toEqual(['secret.json']);
    expect(calls.some((c) => c.startsWith('link '))).toBe(true);
  });

  it('replace: false links a new file in and syncs the directory after the link', () => {
    const { fs: recorded, calls } = recordingFs();
    writePrivateFile(file, 'key', { replace: false, fs: recorded });
    expect(readFileSync(file, 'utf8')).toBe('key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['secret.json']);
    const link = calls.findIndex((c) => c.startsWith('link '));
    expect(calls.findIndex((c) => c === `fsync ${dir}`)).toBeGreaterThan(link);
    expect(calls.findIndex((c) => c.startsWith('fsync ') && c.includes('.tmp'))).toBeLessThan(link);
  });

  it('replace: true puts a 0600 file in place of a wider one', () => {
    writeFileSync(file, 'old', { mode: 0o644 });
    chmodSync(file, 0o644);
    writePrivateFile(file, 'new', { replace: true });
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a failed write (no space) keeps the old file whole and removes the temporary', () => {
    writeFileSync(file, 'old', { mode: 0o600 });
    const { fs: failing } = recordingFs({
      writeSync: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    });
    let caught: unknown;
    try {
      writePrivateFile(file, 'new', { replace: true, fs: failing });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'PRIVATE_FILE_WRITE_FAILED', message: expect.stringContaining('ENOSPC') });
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['secret.json']);
  });

  it('a failed directory sync is reported (the new name may not survive a power cut)', () => {
    const { fs: failing } = recordingFs({
      fsyncSync: (fd) => {
        if (fs.fstatSync(fd).isDirectory()) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        fs.fsyncSync(fd);
      },
    });
    expect(codeOf(() => writePrivateFile(file, 'x', { replace: true, fs: failing }))).toBe('PRIVATE_FILE_WRITE_FAILED');
  });

  it('refuses a temporary that does not come out as our own 0600 file', () => {
    const { fs: lying } = recordingFs({
      fstatSync: ((fd: number) => Object.assign(fs.fstatSync(fd), { uid: process.getuid!() + 1 })) as PrivateFileSystem['fstatSync'],
    });
    expect(codeOf(() => writePrivateFile(file, 'x', { replace: true, fs: lying }))).toBe('PRIVATE_FILE_INSECURE');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports a directory that does not exist', () => {
    expect(codeOf(() => writePrivateFile(join(dir, 'missing', 'secret.json'), 'x', { replace: true }))).toBe('PRIVATE_FILE_WRITE_FAILED');
  });
});
