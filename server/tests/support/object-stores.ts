import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { DiskScreenshotStorage } from '../../src/storage/disk.js';
import { S3ScreenshotStorage } from '../../src/storage/s3.js';
import type { ScreenshotStorage } from '../../src/storage/types.js';
import { testBackends, type Backend, type BackendOptions } from './backends.js';
import { cephUnavailableReason, createBucket, startCeph, type TestCeph } from './ceph.js';
import { swiftUnavailableReason, startSwift } from './swift.js';
import { filesContaining } from './files.js';

/** One store for one test server: the storage, how the CLI names it, and where its bytes sit on this machine. */
export interface OpenedStore {
  readonly storage: ScreenshotStorage;
  /** The CLI's --storage (and --s3-path-style) for this store. */
  readonly cliArgs: readonly string[];
  /** The environment the CLI needs to reach it (endpoint, credentials). */
  readonly cliEnv: Readonly<Record<string, string>>;
  /** Files on this machine holding `needle`: the store's directory, or all of Ceph's or Swift's files (Ceph's OSD block file included). */
  filesContaining(needle: Buffer): Promise<string[]>;
  close(): void;
}

export interface TestStore {
  readonly name: 'disk' | 'ceph' | 'swift';
  /** A fresh store: a directory under the server's data directory, or a new bucket in the file's Ceph or Swift. */
  open(dataDir: string): Promise<OpenedStore>;
  /** Where the file's S3-compatible store keeps its bytes (Ceph's cluster, Swift's device); null for the disk store. */
  dataDir(): string | null;
}

export const diskStore: TestStore = {
  name: 'disk',
  dataDir: () => null,
  async open(dataDir) {
    const dir = join(dataDir, 'screenshots');
    return { storage: new DiskScreenshotStorage(dir), cliArgs: [], cliEnv: {}, filesContaining: async (needle) => filesContaining(dir, needle), close: () => undefined };
  },
};

/** An S3-compatible store a test file starts on loopback: what the S3 storage and the CLI need to reach it. */
type StartedS3 = Pick<TestCeph, 'endpoint' | 'region' | 'credentials' | 'dataDir' | 'stop'>;

/**
 * The file's S3-compatible store, started once (beforeAll) and shared by its tests: each test server gets a bucket of
 * its own. Undefined (and said so) when the store is not installed outside CI; in CI that throws.
 */
function s3Store(name: 'ceph' | 'swift', unavailableReason: () => string | null, start: () => Promise<StartedS3>): TestStore | undefined {
  const reason = unavailableReason();
  if (reason) {
    console.warn(`[server tests] skipping the ${name} run: ${reason}`);
    return undefined;
  }
  let started: StartedS3 | null = null;
  beforeAll(async () => {
    started = await start();
  }, 180_000);
  afterAll(async () => {
    await started?.stop();
  }, 60_000);
  return {
    name,
    dataDir: () => started?.dataDir ?? null,
    async open() {
      const store = started;
      if (!store) throw new Error(`${name} did not start`);
      const bucket = `wt-${randomBytes(6).toString('hex')}`;
      await createBucket(store, bucket);
      const storage = new S3ScreenshotStorage({ bucket, endpoint: store.endpoint, region: store.region, credentials: store.credentials, forcePathStyle: true });
      return {
        storage,
        cliArgs: ['--storage', `s3://${bucket}`, '--s3-path-style'],
        cliEnv: {
          WORKTRACE_S3_ENDPOINT: store.endpoint,
          WORKTRACE_S3_REGION: store.region,
          AWS_ACCESS_KEY_ID: store.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: store.credentials.secretAccessKey,
        },
        filesContaining: async (needle) => filesContaining(store.dataDir, needle),
        close: () => storage.close(),
      };
    },
  };
}

/** The file's Ceph RGW (see s3Store). */
export const cephStore = (): TestStore | undefined => s3Store('ceph', cephUnavailableReason, startCeph);

/** The file's OpenStack Swift through its S3 API (see s3Store). */
export const swiftStore = (): TestStore | undefined => s3Store('swift', swiftUnavailableReason, startSwift);

/** A database and a screenshot store to run a suite on. */
export interface TestSetup {
  readonly name: string;
  readonly backend: Backend;
  readonly store: TestStore;
}

/**
 * What the suites that touch screenshots run on (describe.each): SQLite and PostgreSQL with the disk store, and
 * PostgreSQL with Ceph RGW (the several-instance deployment). Ceph is started once per file that asks for it.
 */
export function testSetups(options: BackendOptions = {}): TestSetup[] {
  const backends = testBackends(options);
  const setups: TestSetup[] = backends.map((backend) => ({ name: `${backend.name}+disk`, backend, store: diskStore }));
  const postgres = backends.find((b) => b.name === 'postgres');
  const ceph = postgres ? cephStore() : undefined;
  if (postgres && ceph) setups.push({ name: 'postgres+ceph', backend: postgres, store: ceph });
  return setups;
}
