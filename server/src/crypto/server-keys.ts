import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, linkSync, lstatSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** A server key: wraps (and unwraps) the screenshots' own keys. Never stored in the database. */
export interface ServerKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * The server keys this process holds: the first wraps every new screenshot key, all of them unwrap. Rotation is
 * adding a new first key (keeping the old ones after it), `worktrace-server keys rewrap`, then dropping the old ones.
 */
export interface ServerKeyRing {
  current(): ServerKey;
  find(id: string): Buffer | undefined;
  ids(): readonly string[];
}

export class ServerKeyError extends Error {
  override readonly name = 'ServerKeyError';
  constructor(
    readonly code: 'SERVER_KEYS_INVALID' | 'SERVER_KEY_FILE_INSECURE' | 'SERVER_KEY_FILE_UNAVAILABLE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function keyRing(keys: readonly ServerKey[]): ServerKeyRing {
  const first = keys[0];
  if (!first) throw new ServerKeyError('SERVER_KEYS_INVALID', 'no server key given');
  const byId = new Map<string, Buffer>();
  for (const k of keys) {
    if (byId.has(k.id)) throw new ServerKeyError('SERVER_KEYS_INVALID', `server key id "${k.id}" is given twice`);
    byId.set(k.id, k.key);
  }
  return { current: () => first, find: (id) => byId.get(id), ids: () => keys.map((k) => k.id) };
}

/**
 * Server keys as text: one `<id> <base64 of 32 bytes>` per line or comma-separated (the environment variable),
 * the current one first; blank lines and `#` comments are ignored. `where` names the source in errors (never the
 * key itself).
 */
export function parseServerKeys(text: string, where: string): ServerKey[] {
  const entries = text
    .split(/[\n,]/)
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.length > 0);
  if (entries.length === 0) throw new ServerKeyError('SERVER_KEYS_INVALID', `${where} holds no server key`);
  return entries.map((entry, i) => {
    const [id, encoded, extra] = entry.split(/[\s:]+/);
    const key = encoded ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
    if (!id || !KEY_ID.test(id) || extra !== undefined || key.length !== KEY_BYTES || key.toString('base64') !== encoded) {
      throw new ServerKeyError('SERVER_KEYS_INVALID', `${where}, key ${i + 1}: expected "<id> <base64 of ${KEY_BYTES} bytes>" (the id 1-32 letters, digits, _ or -)`);
    }
    return { id, key };
  });
}

/** A new key line for a key file or WORKTRACE_SERVER_KEYS (`worktrace-server keys generate`). */
export function generateServerKeyLine(): string {
  return `${randomBytes(6).toString('hex')} ${randomBytes(KEY_BYTES).toString('base64')}`;
}

/** Reads a key file, refusing one that others could read or that is not a regular file of this user. */
export function readServerKeyFile(path: string): ServerKey[] {
  let text: string;
  try {
    const stats = lstatSync(path);
    if (!stats.isFile()) throw new ServerKeyError('SERVER_KEY_FILE_INSECURE', `${path} is not a regular file`);
    if (process.platform !== 'win32') {
      if ((stats.mode & 0o077) !== 0) {
        throw new ServerKeyError('SERVER_KEY_FILE_INSECURE', `${path} is readable by other users (mode ${(stats.mode & 0o777).toString(8)}): chmod 600 it`);
      }
      const uid = process.getuid?.();
      if (uid !== undefined && stats.uid !== uid) throw new ServerKeyError('SERVER_KEY_FILE_INSECURE', `${path} belongs to another user (uid ${stats.uid})`);
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof ServerKeyError) throw error;
    throw new ServerKeyError('SERVER_KEY_FILE_UNAVAILABLE', `cannot read the server key file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  return parseServerKeys(text, path);
}

/**
 * The key file of a server given no keys (one instance, `--demo`): made on first start, mode 0600, never replaced
 * (a temporary linked to the name: two servers starting at once agree on one file, a crash leaves none or all of it).
 */
export function readOrCreateServerKeyFile(path: string): ServerKey[] {
  try {
    lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return readServerKeyFile(path);
    createKeyFile(path, `# worktrace-server keys: the first wraps new screenshot keys. Losing this file loses every screenshot.\n${generateServerKeyLine()}\n`);
  }
  return readServerKeyFile(path);
}

function createKeyFile(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another server made it first: use theirs
    }
    if (process.platform !== 'win32') {
      const dir = openSync(dirname(path), constants.O_RDONLY);
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
  } catch (error) {
    throw new ServerKeyError('SERVER_KEY_FILE_UNAVAILABLE', `cannot create the server key file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // never created, or already gone
    }
  }
}

/**
 * The ring a server runs with: WORKTRACE_SERVER_KEYS when set, else the key file named (--key-file or
 * WORKTRACE_SERVER_KEY_FILE), else `<dataDir>/server-keys`, made on first start. Several instances must be given
 * the same keys (the variable or the same file), never each its own default.
 */
export function loadServerKeyRing(options: { env: NodeJS.ProcessEnv; keyFile?: string; defaultFile: string }): { ring: ServerKeyRing; source: string } {
  const fromEnv = options.env.WORKTRACE_SERVER_KEYS;
  if (fromEnv !== undefined) return { ring: keyRing(parseServerKeys(fromEnv, 'WORKTRACE_SERVER_KEYS')), source: 'WORKTRACE_SERVER_KEYS' };
  const file = options.keyFile ?? options.env.WORKTRACE_SERVER_KEY_FILE;
  if (file) return { ring: keyRing(readServerKeyFile(file)), source: file };
  return { ring: keyRing(readOrCreateServerKeyFile(options.defaultFile)), source: options.defaultFile };
}
