import { randomBytes } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PrivateFileError, writePrivateFile } from '../files/private-file.js';
import { CryptoError } from './errors.js';
import { KEY_BYTES } from './screenshot-cipher.js';
import type { KeyStore } from './key-store.js';

export const KEY_FILE_NAME = 'screenshot.key';

/**
 * The screenshot key as 32 raw bytes in `<dataDir>/screenshot.key`, mode 0600.
 *
 * Creation is atomic and never clobbers (writePrivateFile with replace: false: a 0600 temporary hard-linked to
 * the real name, directory synced): link() fails if the name exists, so two agents starting at once agree on one
 * key, and a crash never leaves a half-written key file under the real name (losing the key would make every
 * stored screenshot unreadable).
 */
export class FileKeyStore implements KeyStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, KEY_FILE_NAME);
  }

  async loadOrCreate(): Promise<Buffer> {
    const existing = await this.load();
    if (existing) return existing;
    if (this.create()) return (await this.load()) ?? this.missingAfterCreate();
    // Another process created it between our load and create: use theirs.
    return (await this.load()) ?? this.missingAfterCreate();
  }

  private async load(): Promise<Buffer | null> {
    let stats;
    try {
      stats = await lstat(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.unavailable(error);
    }
    if (!stats.isFile()) {
      throw new CryptoError('KEY_FILE_INSECURE', `${this.path} is not a regular file: remove it so a new key can be made.`);
    }
    // POSIX modes and owners mean nothing on Windows, where the data directory's ACL protects the key.
    if (process.platform !== 'win32') {
      if ((stats.mode & 0o077) !== 0) {
        throw new CryptoError(
          'KEY_FILE_INSECURE',
          `${this.path} is readable by other users (mode ${(stats.mode & 0o777).toString(8)}): run chmod 600 on it.`,
        );
      }
      const uid = process.getuid?.();
      if (uid !== undefined && stats.uid !== uid) {
        throw new CryptoError('KEY_FILE_INSECURE', `${this.path} belongs to another user (uid ${stats.uid}): it must be yours.`);
      }
    }
    if (stats.size !== KEY_BYTES) {
      throw new CryptoError(
        'KEY_FILE_INVALID',
        `${this.path} holds ${stats.size} bytes, not a ${KEY_BYTES}-byte key: restore it from a backup (screenshots need it).`,
      );
    }
    let key: Buffer;
    try {
      key = await readFile(this.path);
    } catch (error) {
      throw this.unavailable(error);
    }
    if (key.length !== KEY_BYTES) {
      throw new CryptoError('KEY_FILE_INVALID', `${this.path} changed while it was read: try again.`);
    }
    return key;
  }

  /** Returns false when another process won the race to create the key. */
  private create(): boolean {
    try {
      writePrivateFile(this.path, randomBytes(KEY_BYTES), { replace: false });
      return true;
    } catch (error) {
      if (error instanceof PrivateFileError && error.code === 'PRIVATE_FILE_EXISTS') return false;
      throw this.unavailable(error instanceof PrivateFileError && error.cause !== undefined ? error.cause : error);
    }
  }

  private unavailable(error: unknown): CryptoError {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return new CryptoError('KEY_FILE_UNAVAILABLE', `Cannot read or create ${this.path} (${code}): check the data directory.`, {
      cause: error,
    });
  }

  private missingAfterCreate(): never {
    throw new CryptoError('KEY_FILE_UNAVAILABLE', `${this.path} vanished right after it was created: check the data directory.`);
  }
}
