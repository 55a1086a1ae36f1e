import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { FileKeyStore, encryptScreenshot } from '../../../../src/main/crypto/index.js';
import { createLogger } from '../../../../src/main/log.js';
import { databasePath, openStore, type OutboxAccount, type Store } from '../../../../src/main/store/index.js';
import { ApiClient, Uploader, type UploaderOptions } from '../../../../src/main/sync/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { jpegWithPayload } from '../../../support/jpeg.js';

/**
 * The agent's side for upload tests: a real store file in server mode, a real key file, a FakeClock (backoff
 * waits are clock time, so a test drives hours of retries in milliseconds), and work recorded as the tracker
 * would record it: segments with their minutes, and encrypted screenshots.
 */
export interface AgentFixture {
  readonly dataDir: string;
  readonly clock: FakeClock;
  readonly store: Store;
  readonly keys: FileKeyStore;
  /** Records `count` consecutive segments; each gets a screenshot unless `screenshots` is false. */
  record(options: RecordOptions): Promise<RecordedSegment[]>;
  /**
   * An uploader signed in as `account` (default: one fixed account, whatever the URL, so a test may go through
   * the fault proxy and then straight to the server as the same person).
   */
  uploader(serverUrl: string, token: string, options?: UploaderOptions & { timeoutMs?: number; account?: OutboxAccount }): Uploader;
  close(): void;
}

export interface RecordOptions {
  readonly contractId: string;
  /** Epoch ms of the first segment's start (aligned to the segment length). */
  readonly startMs: number;
  readonly count: number;
  readonly segmentSeconds?: number;
  readonly screenshots?: boolean;
  /** Bytes of random payload per screenshot (a real screenshot is about 100-300 KB). */
  readonly imageBytes?: number;
  readonly policyVersion?: number;
}

export interface RecordedSegment {
  readonly segmentId: string;
  readonly startMs: number;
  readonly screenshot: { id: string; takenAt: number; jpeg: Buffer } | null;
}

/** A real JPEG with a random payload (tests/support/jpeg.ts): the server decodes it, the test compares the bytes. */
export const jpegLike = jpegWithPayload;

export const FIXTURE_ACCOUNT: OutboxAccount = { server: 'http://fixture.localhost', userId: 'fixture-user', email: 'fixture@test.example' };

export function createAgentFixture(clock = new FakeClock()): AgentFixture {
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-sync-agent-'));
  const store = openStore({ file: databasePath(dataDir), clock, mode: 'server' });
  const keys = new FileKeyStore(dataDir);
  const logger = createLogger({ level: process.env.WORKTRACE_LOG_LEVEL ?? 'silent' });
  return {
    dataDir,
    clock,
    store,
    keys,
    async record(o) {
      const key = await keys.loadOrCreate();
      const length = o.segmentSeconds ?? 60;
      const recorded: RecordedSegment[] = [];
      for (let i = 0; i < o.count; i += 1) {
        const startMs = o.startMs + i * length * 1000;
        const segmentId = ulid(startMs);
        store.segments.openSegment({ id: segmentId, contractId: o.contractId, startedAt: startMs / 1000, lengthSeconds: length, memo: `segment ${i}`, policyVersion: o.policyVersion ?? 1 });
        for (let m = 0; m < length / 60; m += 1) {
          store.segments.flushMinute(
            segmentId,
            { startedAt: startMs / 1000 + m * 60, trackedMs: 60_000, keyboard: 7 + ((i + m) % 13), mouse: 3 + ((i * m) % 5), idle: false },
            [{ app: 'code', title: `file ${i}.ts`, ms: 60_000 }],
          );
        }
        let screenshot: RecordedSegment['screenshot'] = null;
        if (o.screenshots !== false) {
          const id = ulid(startMs + 1);
          const takenAt = startMs + 17_000;
          const jpeg = jpegLike(o.imageBytes ?? 2_000);
          store.screenshots.insert({
            id,
            segmentId,
            takenAt,
            width: 1280,
            height: 720,
            bytes: jpeg.length,
            blurred: false,
            policyVersion: o.policyVersion ?? 1,
            data: encryptScreenshot(key, id, jpeg),
          });
          screenshot = { id, takenAt, jpeg };
        }
        recorded.push({ segmentId, startMs, screenshot });
      }
      return recorded;
    },
    uploader(serverUrl, token, options = {}) {
      const client = new ApiClient({ serverUrl, token, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
      const account = options.account ?? FIXTURE_ACCOUNT;
      return new Uploader({ client, store, keys, clock, logger, account, random: () => 0.5 }, options);
    },
    close() {
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
