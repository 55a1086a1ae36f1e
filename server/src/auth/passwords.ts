import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Passwords are stored as `scrypt$N$r$p$salt$hash` (base64url), so the cost can be raised later
 * without invalidating stored hashes.
 */
const COST = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash of nothing anyone knows, verified against when the email is unknown, so that a login for a
 * missing account costs the same time as one with a wrong password.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

/** More password checks are waiting than the queue holds: the caller is asked to come back (429). */
export class PasswordQueueFullError extends Error {
  override readonly name = 'PasswordQueueFullError';
  readonly code = 'PASSWORD_QUEUE_FULL';
  constructor() {
    super('too many sign-ins are being checked right now');
  }
}

export interface HashingLimits {
  /** Password hashes computed at once. */
  readonly concurrency: number;
  /** Checks waiting for their turn; more are refused at once. */
  readonly maxQueued: number;
}

/**
 * Password checks and hashes, at most `concurrency` at a time behind a queue of at most `maxQueued`. scrypt runs on
 * libuv's thread pool (4 threads by default), the same threads that read and write screenshot files: a flood of
 * sign-ins let straight through would queue hundreds of scrypt jobs there, and every upload's file write would wait
 * behind all of them. With the cap, the pool always has threads for files, and a flood past the queue is refused
 * at once instead of piling up.
 */
export class PasswordHasher {
  readonly #limit: LimitFunction;

  constructor(private readonly limits: HashingLimits) {
    this.#limit = pLimit(limits.concurrency);
  }

  verify(password: string, stored: string): Promise<boolean> {
    return this.#run(() => verifyPassword(password, stored));
  }

  hash(password: string): Promise<string> {
    return this.#run(() => hashPassword(password));
  }

  /** Checks running now. */
  get active(): number {
    return this.#limit.activeCount;
  }

  /** Checks waiting for their turn. */
  get queued(): number {
    return this.#limit.pendingCount;
  }

  #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#limit.pendingCount >= this.limits.maxQueued) return Promise.reject(new PasswordQueueFullError());
    return this.#limit(work);
  }
}
