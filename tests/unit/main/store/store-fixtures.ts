import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import {
  betterSqlite3Driver,
  nodeSqliteDriver,
  openDatabase,
  openStore,
  type OpenDatabaseOptions,
  type SqlDatabase,
  type SqlOpenOptions,
  type SqliteDriver,
  type Store,
  type StoredScreenshot,
} from '../../../../src/main/store/index.js';
import type { MinuteBucket, SegmentHeader } from '../../../../src/main/tracking/ports.js';

/** Shared helpers for the store tests: temp directories, ids, a settable wall clock, file hashes. */

/**
 * The SQLite driver the store tests run on: better-sqlite3 (production) unless WORKTRACE_TEST_SQLITE_DRIVER says
 * node:sqlite, which tests/integration/store/node-sqlite-lane.test.ts does when it runs these files again under Node 22.
 */
export const testDriver: SqliteDriver = process.env.WORKTRACE_TEST_SQLITE_DRIVER === 'node:sqlite' ? nodeSqliteDriver : betterSqlite3Driver;

/** A bare connection on the test driver (no schema, no checks): to build old versions and foreign files. */
export function openTestConnection(file = ':memory:', options?: SqlOpenOptions): SqlDatabase {
  return testDriver.open(file, options);
}

/** The store's own openDatabase (checks, WAL, migrations) on the test driver. */
export function openTestDatabase(file: string, options: OpenDatabaseOptions = {}): SqlDatabase {
  return openDatabase(file, { driver: testDriver, ...options });
}

export type { SqlDatabase };

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0) / 1000; // epoch s, 09:00 UTC, aligned to 600 s

export interface TestDir {
  readonly path: string;
  remove(): void;
}

export function makeTempDir(prefix = 'worktrace-store-'): TestDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** ULIDs that sort in creation order, as the tracker makes them. */
export const newId = monotonicFactory();

/** The only part of the Clock the store uses, settable by the test. */
export class WallClock {
  constructor(public ms: number = T0 * 1000) {}
  now(): number {
    return this.ms;
  }
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function openTestStore(file: string, mode: 'local' | 'server' = 'local', clock = new WallClock()): Store {
  return openStore({ file, mode, clock, driver: testDriver });
}

export function header(overrides: Partial<SegmentHeader> = {}): SegmentHeader {
  return {
    id: newId(),
    contractId: 'contract-a',
    startedAt: T0,
    lengthSeconds: 600,
    memo: null,
    policyVersion: null,
    ...overrides,
  };
}

export function minute(startedAt: number, overrides: Partial<MinuteBucket> = {}): MinuteBucket {
  return { startedAt, trackedMs: 60_000, keyboard: 10, mouse: 5, idle: false, ...overrides };
}

export interface RecordShotOptions {
  /** Stands for the AES-GCM blob. */
  readonly data: Buffer;
  readonly contractId?: string;
  /** The plaintext size (default: the blob less the cipher's 29 bytes). */
  readonly bytes?: number;
  readonly blurred?: boolean;
  readonly policyVersion?: number;
}

/** Opens the segment `index` segments after T0, writes a minute of time into it and stores its screenshot. */
export function recordShot(store: Store, index: number, options: RecordShotOptions): StoredScreenshot {
  const h = header({ startedAt: T0 + index * 600, contractId: options.contractId ?? 'contract-a' });
  store.segments.openSegment(h);
  store.segments.flushMinute(h.id, minute(h.startedAt), []);
  const shot: StoredScreenshot = {
    id: newId(),
    segmentId: h.id,
    takenAt: (h.startedAt + 30) * 1000,
    width: 1280,
    height: 720,
    bytes: options.bytes ?? options.data.length - 29,
    blurred: options.blurred ?? false,
    policyVersion: options.policyVersion ?? 1,
    data: options.data,
  };
  store.screenshots.insert(shot);
  return shot;
}
