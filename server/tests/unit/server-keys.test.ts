import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateServerKeyLine, keyRing, loadServerKeyRing, parseServerKeys, readOrCreateServerKeyFile, readServerKeyFile, ServerKeyError } from '../../src/crypto/server-keys.js';

/** The error `read` throws, for matching its code and words. */
function failureOf(read: () => unknown): ServerKeyError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ServerKeyError);
    return error as ServerKeyError;
  }
  throw new Error('it was accepted');
}

describe.runIf(process.platform !== 'win32')('the server key file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wt-server-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is made on first start with mode 0600 and one key, and read back the same on the next start (never replaced)', () => {
    const path = join(dir, 'server-keys');
    const made = readOrCreateServerKeyFile(path);
    expect(made).toHaveLength(1);
    expect(made[0]?.key).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readOrCreateServerKeyFile(path)).toEqual(made);
    expect(readFileSync(path, 'utf8')).toMatch(/^# worktrace-server keys/);
  });

  it.each(['640', '604', '660', '644', '601', '610'])('refuses a key file its group or the world could touch (mode %s), saying how to fix it', (mode) => {
    const path = join(dir, 'server-keys');
    writeFileSync(path, `${generateServerKeyLine()}\n`, { mode: 0o600 });
    chmodSync(path, parseInt(mode, 8));
    const error = failureOf(() => readServerKeyFile(path));
    expect(error.code).toBe('SERVER_KEY_FILE_INSECURE');
    expect(error.message).toContain(`mode ${mode}`);
    expect(error.message).toContain('chmod 600');
  });

  it('refuses a symbolic link in place of the file', () => {
    const real = join(dir, 'real-keys');
    writeFileSync(real, `${generateServerKeyLine()}\n`, { mode: 0o600 });
    const link = join(dir, 'server-keys');
    symlinkSync(real, link);
    const error = failureOf(() => readServerKeyFile(link));
    expect(error.code).toBe('SERVER_KEY_FILE_INSECURE');
    expect(error.message).toContain('not a regular file');
  });

  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing here\n'],
    ['a key of 16 bytes', `k1 ${Buffer.alloc(16, 1).toString('base64')}`],
    ['a key that is not base64', 'k1 this-is-not-base64-at-all-but-long-enough-to-look-like-one=='],
    ['an id with a space in it', `my key ${Buffer.alloc(32, 1).toString('base64')}`],
    ['a line with no key', 'k1'],
  ])('refuses a malformed key file (%s) with a clear message that never quotes a key', (_name, text) => {
    const path = join(dir, 'server-keys');
    writeFileSync(path, text, { mode: 0o600 });
    const error = failureOf(() => readServerKeyFile(path));
    expect(error.code).toBe('SERVER_KEYS_INVALID');
    expect(error.message).toContain(path);
    expect(error.message).not.toContain(Buffer.alloc(16, 1).toString('base64'));
  });

  it('says a missing or unreadable file is unavailable, not insecure', () => {
    const error = failureOf(() => readServerKeyFile(join(dir, 'no-such-file')));
    expect(error.code).toBe('SERVER_KEY_FILE_UNAVAILABLE');
    expect(error.message).toContain('ENOENT');
  });

  it('takes WORKTRACE_SERVER_KEYS before any file, comma-separated, the first the current one; a repeated id is refused', () => {
    const [first, second] = [generateServerKeyLine(), generateServerKeyLine()];
    const { ring, source } = loadServerKeyRing({ env: { WORKTRACE_SERVER_KEYS: `${first},${second}` }, defaultFile: join(dir, 'unused') });
    expect(source).toBe('WORKTRACE_SERVER_KEYS');
    expect(ring.current().id).toBe(first.split(' ')[0]);
    expect(ring.ids()).toEqual([first, second].map((line) => line.split(' ')[0]));
    expect(() => statSync(join(dir, 'unused'))).toThrow(); // no default file was made
    const twice = failureOf(() => keyRing(parseServerKeys(`${first},${first}`, 'WORKTRACE_SERVER_KEYS')));
    expect(twice.code).toBe('SERVER_KEYS_INVALID');
    expect(twice.message).toContain('given twice');
  });
});
