import type { SignupMode } from '../../src/shared/protocol/api/index.js';
import { DEFAULT_SEGMENT_SECONDS } from '../../src/shared/protocol/index.js';
import type { HashingLimits } from './auth/passwords.js';
import type { UploadLimitConfig } from './domain/upload-limits.js';
import type { BackoffPolicy } from './http/sign-in-backoff.js';

/** Everything the server's behaviour depends on, with production defaults. The CLI fills it from flags. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** A postgres:// URL; undefined means the embedded SQLite file in the data directory. */
  readonly databaseUrl?: string;
  readonly tokenTtlMs: number;
  /** Login attempts per client address and email within the window. */
  readonly loginRateLimit: { readonly max: number; readonly windowMs: number };
  /**
   * Failed sign-ins per client address across all emails within a sliding window (password spraying);
   * successful sign-ins do not count. Higher than the per-email limit: one address can be an office.
   */
  readonly addressLoginFailureLimit: { readonly max: number; readonly windowMs: number };
  /** Failed sign-ins in a row per account, from any address: past the free ones, a doubling wait (sign-in-backoff.ts). */
  readonly accountLoginBackoff: BackoffPolicy;
  /** Password hashes computed at once, and checks waiting for their turn (auth/passwords.ts). */
  readonly passwordHashing: HashingLimits;
  readonly maxScreenshotBytes: number;
  readonly maxJsonBytes: number;
  /** The request line and headers must arrive within this (http/deadlines.ts). */
  readonly headersTimeoutMs: number;
  /**
   * The slowest uplink an honest agent has: a request is given its headers' time plus its route's body limit at this
   * rate (JSON routes 42 s, screenshot uploads 266 s with the defaults).
   */
  readonly slowestUplinkBytesPerSecond: number;
  /** A connection with nothing sent either way for this long is closed (longer than the policy stream heartbeat). */
  readonly idleConnectionMs: number;
  /** A kept-alive connection waits this long for its next request. */
  readonly keepAliveTimeoutMs: number;
  /** How often requests past their deadline are looked for. */
  readonly deadlineCheckIntervalMs: number;
  /** Open connections at most (policy streams included); more are closed as they arrive. */
  readonly maxConnections: number;
  /**
   * On SIGTERM the server reports not ready and refuses new policy streams for this long before it ends the open
   * ones and closes (lifecycle.ts): at least the load balancer's health-check interval times its fall count.
   */
  readonly shutdownDrainMs: number;
  /** 0 disables the schedule (the purge still runs once at start). */
  readonly purgeIntervalMs: number;
  readonly sseHeartbeatMs: number;
  /** Policy streams one account may hold open at once (an agent needs one, a dashboard tab one per contract). */
  readonly policyStreamsPerAccount: number;
  /** A capture time this far past the server's clock is refused: agents' clocks drift, but not by hours. */
  readonly captureFutureSlackMs: number;
  /** Segment length of new contracts (the demo contract included). */
  readonly defaultSegmentSeconds: number;
  /** Retention of new contracts. */
  readonly defaultRetentionDays: number;
  /** Segment and screenshot uploads per contract and window (429 with Retry-After past them). */
  readonly contractUploadLimits: UploadLimitConfig;
  /** Diary segments per page when the request names no limit. */
  readonly diaryPageSegments: number;
  /** A diary page stops adding segments once their stored text passes this many characters (one always fits). */
  readonly diaryPageChars: number;
  /**
   * A stored file no screenshot row names, last written longer ago than this, is swept at start: an upload
   * that crashed between the file and its row. Younger ones may belong to an upload still committing.
   */
  readonly uncommittedFileGraceMs: number;
  /** Who may create an account over the API: invited people only (the default), anyone, or nobody. */
  readonly signup: SignupMode;
  /** How long an invitation can be accepted. */
  readonly invitationTtlMs: number;
  /**
   * The address people reach the dashboard at, for the links in invitation mails (`https://diary.example.com`);
   * undefined: the address the request came in on (publicBaseUrl).
   */
  readonly publicUrl?: string;
  /** An smtp:// or smtps:// URL: invitations are also mailed. It may hold a password: never logged. */
  readonly smtpUrl?: string;
  /** The From of those mails. */
  readonly mailFrom: string;
}

export const DEFAULT_PORT = 4780;

export function serverConfig(overrides: Partial<ServerConfig> & Pick<ServerConfig, 'dataDir'>): ServerConfig {
  return {
    host: '127.0.0.1',
    port: DEFAULT_PORT,
    tokenTtlMs: 30 * 86_400_000,
    loginRateLimit: { max: 10, windowMs: 60_000 },
    addressLoginFailureLimit: { max: 50, windowMs: 10 * 60_000 },
    accountLoginBackoff: { freeFailures: 5, baseMs: 1_000, maxMs: 15 * 60_000 },
    // One scrypt at a time (about 50 ms, 16 MiB) leaves libuv's other three threads to file I/O; 32 waiting is
    // under two seconds of work.
    passwordHashing: { concurrency: 1, maxQueued: 32 },
    maxScreenshotBytes: 8 * 1024 * 1024,
    maxJsonBytes: 1024 * 1024,
    headersTimeoutMs: 10_000,
    slowestUplinkBytesPerSecond: 32 * 1024,
    idleConnectionMs: 60_000,
    keepAliveTimeoutMs: 10_000,
    deadlineCheckIntervalMs: 1_000,
    maxConnections: 4_096,
    shutdownDrainMs: 5_000,
    purgeIntervalMs: 3_600_000,
    sseHeartbeatMs: 25_000,
    policyStreamsPerAccount: 16,
    captureFutureSlackMs: 10 * 60_000,
    defaultSegmentSeconds: DEFAULT_SEGMENT_SECONDS,
    defaultRetentionDays: 90,
    // A week offline (five days of eight hours in 10-minute segments: 240 of each) drains within a window.
    contractUploadLimits: { segments: { max: 600, windowMs: 60_000 }, screenshots: { max: 300, windowMs: 60_000 } },
    diaryPageSegments: 200,
    diaryPageChars: 4 * 1024 * 1024,
    uncommittedFileGraceMs: 15 * 60_000,
    signup: 'invite',
    invitationTtlMs: 14 * 86_400_000,
    mailFrom: 'Worktrace <worktrace@localhost>',
    ...overrides,
  };
}

/**
 * Where the dashboard is reached, for links in mails: the configured public URL, else the address and port the
 * request came in on (the server's own side of the connection, never the Host header a caller could choose).
 */
export function publicBaseUrl(config: Pick<ServerConfig, 'publicUrl'>, local: { localAddress?: string; localPort?: number }): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const address = (local.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return `http://${address.includes(':') ? `[${address}]` : address}:${local.localPort ?? DEFAULT_PORT}`;
}
