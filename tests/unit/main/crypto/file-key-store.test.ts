import { chmodSync, linkSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CryptoError, FileKeyStore, KEY_FILE_NAME, decryptScreenshot, encryptScreenshot } from '../../../../src/main/crypto/index.js';

async function codeOf(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    expect((error as Error).message).not.toContain('\n');
    return (error as CryptoError).code;
  }
  return undefined;
}

describe('FileKeyStore', () => {
  let dir: string;
  let keyFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'worktrace-key-'));
    keyFile = join(dir, KEY_FILE_NAME);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a 32-byte key file with mode 0600 and returns the same key on every later load', async () => {
    const key = await new FileKeyStore(dir).loadOrCreate();
    expect(key.length).toBe(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile)).toEqual(key);
    expect(readdirSync(dir)).toEqual([KEY_FILE_NAME]); // no temporary file left behind
    expect(await new FileKeyStore(dir).loadOrCreate()).toEqual(key);
    // A screenshot encrypted before a restart opens after it.
    const blob = encryptScreenshot(key, 'S', Buffer.from('picture'));
    expect(decryptScreenshot(await new FileKeyStore(dir).loadOrCreate(), 'S', blob).toString()).toBe('picture');
  });

  it('keeps the mode 0600 whatever the umask', async () => {
    const previous = process.umask(0o000);
    try {
      await new FileKeyStore(dir).loadOrCreate();
    } finally {
      process.umask(previous);
    }
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('agrees on one key when several agents create it at once', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => new FileKeyStore(dir).loadOrCreate()));
    for (const key of keys) expect(key).toEqual(keys[0]);
    expect(readdirSync(dir)).toEqual([KEY_FILE_NAME]);
  });

  it.each([0o644, 0o640, 0o604, 0o660])('refuses a key file with mode %o and leaves it as it is', async (mode) => {
    await new FileKeyStore(dir).loadOrCreate();
    const before = readFileSync(keyFile);
    chmodSync(keyFile, mode);
    expect(await codeOf(() => new FileKeyStore(dir).loadOrCreate())).toBe('KEY_FILE_INSECURE');
    expect(readFileSync(keyFile)).toEqual(before);
    expect(statSync(keyFile).mode & 0o777).toBe(mode);
  });

  it('accepts a stricter mode (0400)', async () => {
    const key = await new FileKeyStore(dir).loadOrCreate();
    chmodSync(keyFile, 0o400);
    expect(await new FileKeyStore(dir).loadOrCreate()).toEqual(key);
  });

  it.each([0, 16, 31, 33, 64])('refuses a key file of %i bytes without replacing it', async (size) => {
    writeFileSync(keyFile, Buffer.alloc(size, 1), { mode: 0o600 });
    expect(await codeOf(() => new FileKeyStore(dir).loadOrCreate())).toBe('KEY_FILE_INVALID');
    expect(readFileSync(keyFile).length).toBe(size);
  });

  it('refuses a symbolic link or a directory in place of the key file', async () => {
    const elsewhere = join(dir, 'elsewhere');
    writeFileSync(elsewhere, Buffer.alloc(32), { mode: 0o600 });
    symlinkSync(elsewhere, keyFile);
    expect(await codeOf(() => new FileKeyStore(dir).loadOrCreate())).toBe('KEY_FILE_INSECURE');
    rmSync(keyFile);
    linkSync(elsewhere, keyFile); // a hard link is a regular file: accepted
    expect((await new FileKeyStore(dir).loadOrCreate()).length).toBe(32);
  });

  it('reports a data directory that does not exist', async () => {
    expect(await codeOf(() => new FileKeyStore(join(dir, 'missing')).loadOrCreate())).toBe('KEY_FILE_UNAVAILABLE');
  });
});
