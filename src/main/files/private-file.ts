import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CodedError } from '../../shared/errors.js';

/**
 * The one writer of the agent's small secret files (the screenshot key, the sealed key, the sign-in): a crash or a
 * power cut leaves either the old file or the new one under the real name, never half of one, and never one that
 * another user could read.
 *
 *   open(<name>.<pid>.<random>.tmp, O_CREAT|O_EXCL|O_NOFOLLOW, 0600)   exclusive: never an existing file or a link
 *   fchmod 0600, fstat: a regular file of ours                          whatever the umask
 *   write all, fsync, close                                             the bytes are on disk before the name is
 *   rename (replace) | link (never clobber: EEXIST -> PRIVATE_FILE_EXISTS), unlink the temporary
 *   open(dir), fsync, close                                             the new name itself survives a power cut
 *
 * Any failure removes the temporary and leaves the real name as it was.
 */

/** The node:fs calls the writer makes; a test passes a recording wrapper to see their order. */
export type PrivateFileSystem = Pick<
  typeof nodeFs,
  'openSync' | 'writeSync' | 'fsyncSync' | 'fchmodSync' | 'fstatSync' | 'closeSync' | 'renameSync' | 'linkSync' | 'unlinkSync'
>;

export type PrivateFileErrorCode =
  /** replace: false and the name exists already (another process made it first). */
  | 'PRIVATE_FILE_EXISTS'
  /** The new file is not a regular file of this user with mode 0600 (something is wrong with the directory). */
  | 'PRIVATE_FILE_INSECURE'
  /** The file could not be written (permissions, a missing directory, no space). */
  | 'PRIVATE_FILE_WRITE_FAILED';

export class PrivateFileError extends CodedError<PrivateFileErrorCode> {}

export interface WritePrivateFileOptions {
  /** true: an existing file is replaced (rename); false: it is kept and PRIVATE_FILE_EXISTS thrown (link). */
  readonly replace: boolean;
  readonly fs?: PrivateFileSystem;
}

const POSIX = process.platform !== 'win32';
const { O_CREAT, O_EXCL, O_WRONLY, O_RDONLY } = nodeFs.constants;
// Not defined on Windows; O_EXCL alone already refuses a link there.
const O_NOFOLLOW = nodeFs.constants.O_NOFOLLOW ?? 0;

export function writePrivateFile(path: string, bytes: Buffer | string, options: WritePrivateFileOptions): void {
  const fs = options.fs ?? nodeFs;
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    const fd = fs.openSync(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    created = true;
    try {
      if (POSIX) checkPrivate(fs, fd, path);
      writeAll(fs, fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (options.replace) {
      fs.renameSync(temporary, path);
      created = false;
    } else {
      fs.linkSync(temporary, path);
    }
    if (POSIX) syncDirectory(fs, dirname(path));
  } catch (error) {
    if (error instanceof PrivateFileError) throw error;
    if (!options.replace && errnoCode(error) === 'EEXIST' && created) {
      throw new PrivateFileError('PRIVATE_FILE_EXISTS', `${path} exists already: it was kept as it is.`, { cause: error });
    }
    throw new PrivateFileError('PRIVATE_FILE_WRITE_FAILED', `Cannot write ${path} (${errnoCode(error) ?? 'unknown error'}): check the directory and the disk.`, {
      cause: error,
    });
  } finally {
    if (created) removeQuietly(fs, temporary);
  }
}

/** 0600 whatever the umask took away or the directory's default ACL added, and the file is really ours. */
function checkPrivate(fs: PrivateFileSystem, fd: number, path: string): void {
  fs.fchmodSync(fd, 0o600);
  const stats = fs.fstatSync(fd);
  const uid = process.getuid?.();
  if (!stats.isFile() || (stats.mode & 0o777) !== 0o600 || (uid !== undefined && stats.uid !== uid)) {
    throw new PrivateFileError(
      'PRIVATE_FILE_INSECURE',
      `A new file for ${path} came out as mode ${(stats.mode & 0o777).toString(8)} owned by uid ${stats.uid}: check the directory.`,
    );
  }
}

function writeAll(fs: PrivateFileSystem, fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += fs.writeSync(fd, data, offset, data.length - offset);
}

/** Makes the directory entry durable: without it a power cut can lose the new name after the rename returned. */
function syncDirectory(fs: PrivateFileSystem, dir: string): void {
  const fd = fs.openSync(dir, O_RDONLY);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function removeQuietly(fs: PrivateFileSystem, file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Already gone, or the directory went away: nothing is left to clean.
  }
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}
