import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../../../src/main/crypto/index.js';
import { SEALED_CREDENTIALS_FILE, SEALED_KEY_FILE, SafeStorageCredentials, SafeStorageKeyStore } from '../../../../src/main/electron/safe-storage.js';
import { fakeElectron } from '../../../support/fake-electron.js';

const safeStorage = fakeElectron.safeStorage;
const credentials = {
  server: 'https://diary.example.com',
  email: 'f@example.com',
  userId: 'u1',
  role: 'freelancer' as const,
  token: 'secret-token-value',
  expiresAt: '2030-01-01T00:00:00.000Z',
};

describe('safeStorage-backed key and sign-in', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wt-safe-'));
    safeStorage.available = true;
    safeStorage.backend = 'gnome_libsecret';
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the screenshot key sealed, 0600, and gives the same key back', async () => {
    const key = await new SafeStorageKeyStore(dir, safeStorage).loadOrCreate();
    expect(key).toHaveLength(32);
    const file = join(dir, SEALED_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file).includes(Buffer.from(key.toString('base64')))).toBe(false);
    expect(await new SafeStorageKeyStore(dir, safeStorage).loadOrCreate()).toEqual(key);
    expect(readdirSync(dir)).toEqual([SEALED_KEY_FILE]);
  });

  it("uses the headless agent's key file when one is there, and the file when there is no keychain", async () => {
    const cliKey = await new FileKeyStore(dir).loadOrCreate();
    expect(await new SafeStorageKeyStore(dir, safeStorage).loadOrCreate()).toEqual(cliKey);
    const other = mkdtempSync(join(tmpdir(), 'wt-safe-'));
    safeStorage.available = false;
    const key = await new SafeStorageKeyStore(other, safeStorage).loadOrCreate();
    expect(existsSync(join(other, 'screenshot.key'))).toBe(true);
    expect(await new FileKeyStore(other).loadOrCreate()).toEqual(key);
    rmSync(other, { recursive: true, force: true });
  });

  it('says what to do when the keychain cannot unseal the key', async () => {
    writeFileSync(join(dir, SEALED_KEY_FILE), 'not sealed');
    await expect(new SafeStorageKeyStore(dir, safeStorage).loadOrCreate()).rejects.toMatchObject({ code: 'KEY_FILE_UNAVAILABLE' });
  });

  it('stores the sign-in sealed (no token in clear), reads it back, clears it', () => {
    const vault = new SafeStorageCredentials(dir, safeStorage);
    expect(vault.read()).toBeNull();
    vault.write(credentials);
    const file = join(dir, SEALED_CREDENTIALS_FILE);
    expect(readFileSync(file).includes(Buffer.from(credentials.token))).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(new SafeStorageCredentials(dir, safeStorage).read()).toEqual(credentials);
    expect(vault.clear()).toBe(true);
    expect(vault.read()).toBeNull();
    expect(vault.clear()).toBe(false);
  });

  it('never writes the token in clear when there is no keychain (kept for this run only)', () => {
    safeStorage.available = false;
    const vault = new SafeStorageCredentials(dir, safeStorage);
    vault.write(credentials);
    expect(vault.read()).toEqual(credentials);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("treats Linux's basic_text backend (a key every Chromium knows) as no keychain", async () => {
    safeStorage.backend = 'basic_text';
    new SafeStorageCredentials(dir, safeStorage).write(credentials);
    await new SafeStorageKeyStore(dir, safeStorage).loadOrCreate();
    expect(readdirSync(dir)).toEqual(['screenshot.key']);
  });

  it('reports a damaged sealed sign-in as a coded error', () => {
    writeFileSync(join(dir, SEALED_CREDENTIALS_FILE), 'garbage');
    expect(() => new SafeStorageCredentials(dir, safeStorage).read()).toThrow(expect.objectContaining({ code: 'CREDENTIALS_UNREADABLE' }));
  });
});
