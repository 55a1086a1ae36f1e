import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CredentialsVault } from '../app/index.js';
import { CryptoError } from '../crypto/errors.js';
import { FileKeyStore, type KeyStore } from '../crypto/index.js';
import { KEY_BYTES } from '../crypto/screenshot-cipher.js';
import { KEY_FILE_NAME } from '../crypto/file-key-store.js';
import { PrivateFileError, writePrivateFile } from '../files/private-file.js';
import { SyncError, credentialsSchema, type Credentials } from '../sync/index.js';

/** The part of Electron's safeStorage used here (the OS keychain: Keychain, DPAPI, libsecret/kwallet). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keychain was found and Electron would seal with a fixed, public key. */
  getSelectedStorageBackend?(): string;
}

/** A keychain that actually protects: on Linux, 'basic_text' is obfuscation with a key every copy of Chromium knows. */
export function keychainAvailable(safeStorage: SafeStorageLike): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  const backend = safeStorage.getSelectedStorageBackend?.();
  return backend !== 'basic_text' && backend !== 'unknown';
}

export const SEALED_KEY_FILE = 'screenshot.key.sealed';
export const SEALED_CREDENTIALS_FILE = 'credentials.sealed';

function readOptional(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The screenshot key sealed by the OS keychain. Where the keychain is not available (a Linux session without a
 * secret service), or where the headless agent already made a 0600 key file in this data directory, that file is
 * used instead: screenshots recorded by the CLI must stay readable.
 */
export class SafeStorageKeyStore implements KeyStore {
  readonly #file: string;
  readonly #fallback: FileKeyStore;

  constructor(
    private readonly dataDir: string,
    private readonly safeStorage: SafeStorageLike,
  ) {
    this.#file = join(dataDir, SEALED_KEY_FILE);
    this.#fallback = new FileKeyStore(dataDir);
  }

  async loadOrCreate(): Promise<Buffer> {
    const sealed = readOptional(this.#file);
    if (sealed) return this.#unseal(sealed);
    if (!keychainAvailable(this.safeStorage) || existsSync(join(this.dataDir, KEY_FILE_NAME))) return this.#fallback.loadOrCreate();
    const key = randomBytes(KEY_BYTES);
    try {
      // Never over another instance's key (replace: false), and synced with its directory: a key already used to
      // encrypt must survive a power cut.
      writePrivateFile(this.#file, this.safeStorage.encryptString(key.toString('base64')), { replace: false });
    } catch (error) {
      if (error instanceof PrivateFileError && error.code === 'PRIVATE_FILE_EXISTS') return this.#unseal(readFileSync(this.#file));
      throw new CryptoError('KEY_FILE_UNAVAILABLE', `Cannot write ${this.#file}: check the data directory.`, { cause: error });
    }
    return key;
  }

  #unseal(sealed: Buffer): Buffer {
    let key: Buffer;
    try {
      key = Buffer.from(this.safeStorage.decryptString(sealed), 'base64');
    } catch (error) {
      throw new CryptoError('KEY_FILE_UNAVAILABLE', 'The OS keychain did not unlock the screenshot key: sign in to your desktop session and restart Worktrace.', { cause: error });
    }
    if (key.length !== KEY_BYTES) throw new CryptoError('KEY_FILE_INVALID', `${this.#file} is damaged: the screenshot key cannot be read.`);
    return key;
  }
}

/**
 * The sign-in (with its bearer token) sealed by the OS keychain. Without a keychain the token is not written at all
 * (the app then asks for the password at each start) rather than stored readable.
 */
export class SafeStorageCredentials implements CredentialsVault {
  readonly file: string;
  #memory: Credentials | null = null;

  constructor(
    dataDir: string,
    private readonly safeStorage: SafeStorageLike,
  ) {
    this.file = join(dataDir, SEALED_CREDENTIALS_FILE);
  }

  read(): Credentials | null {
    if (this.#memory) return this.#memory;
    const sealed = readOptional(this.file);
    if (!sealed) return null;
    try {
      return credentialsSchema.parse(JSON.parse(this.safeStorage.decryptString(sealed)));
    } catch (error) {
      throw new SyncError('CREDENTIALS_UNREADABLE', 'Your stored sign-in cannot be read: sign out, then sign in again.', { cause: error });
    }
  }

  write(credentials: Credentials): void {
    const checked = credentialsSchema.parse(credentials);
    if (!keychainAvailable(this.safeStorage)) {
      this.#memory = checked;
      return;
    }
    writePrivateFile(this.file, this.safeStorage.encryptString(JSON.stringify(checked)), { replace: true });
  }

  clear(): boolean {
    const had = this.#memory !== null || existsSync(this.file);
    this.#memory = null;
    rmSync(this.file, { force: true });
    return had;
  }
}
