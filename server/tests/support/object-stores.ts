import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { DiskScreenshotStorage } from '../../src/storage/disk.js';
import { S3ScreenshotStorage } from '../../src/storage/s3.js';
import type { ScreenshotStorage } from '../../src/storage/types.js';
import { testBackends, type Backend } from './backends.js';
import { cephUnavailableReason, createBucket, startCeph, type TestCeph } from './ceph.js';
import { filesContaining } from './files.js';

/** One store for one test server: the storage, how the CLI names it, and where its bytes sit on this machine. */
export interface OpenedStore {
  readonly storage: ScreenshotStorage;
  /** The CLI's --storage (and --s3-path-style) for this store. */
  readonly cliArgs: readonly string[];
  /** The environment the CLI needs to reach it (endpoint, credentials). */
  readonly cliEnv: Readonly<Record<string, string>>;
  /** Files on this machine holding `needle`: the store's directory, or the whole Ceph cluster (its OSD block file included). */
  filesContaining(needle: Buffer): Promise<string[]>;
  close(): void;
}

export interface TestStore {
  readonly name: 'disk' | 'ceph';
  /** A fresh store: a directory under the server's data directory, or a new bucket in the file's Ceph cluster. */
  open(dataDir: string): Promise<OpenedStore>;
  /** The Ceph cluster, when this is one. */
  ceph(): TestCeph | null;
}

export const diskStore: TestStore = {
  name: 'disk',
  ceph: () => null,
  async open(dataDir) {
    const dir = join(dataDir, 'screenshots');
    return { storage: new DiskScreenshotStorage(dir), cliArgs: [], cliEnv: {}, filesContaining: async (needle) => filesContaining(dir, needle), close: () => undefined };
  },
};

/**
 * The file's Ceph RGW, started once (beforeAll) and shared by its tests: each test server gets a bucket of its own.
 * Undefined (and said so) when Ceph is not installed outside CI; in CI that throws.
 */
export function cephStore(): TestStore | undefined {
  const reason = cephUnavailableReason();
  if (reason) {
    console.warn(`[server tests] skipping the Ceph RGW run: ${reason}`);
    return undefined;
  }
  let cluster: TestCeph | null = null;
  beforeAll(async () => {
    cluster = await startCeph();
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);
  return {
    name: 'ceph',
    ceph: () => cluster,
    async open() {
      const ceph = cluster;
      if (!ceph) throw new Error('Ceph did not start');
      const bucket = `wt-${randomBytes(6).toString('hex')}`;
      await createBucket(ceph, bucket);
      const storage = new S3ScreenshotStorage({ bucket, endpoint: ceph.endpoint, region: ceph.region, credentials: ceph.credentials, forcePathStyle: true });
      return {
        storage,
        cliArgs: ['--storage', `s3://${bucket}`, '--s3-path-style'],
        cliEnv: {
          WORKTRACE_S3_ENDPOINT: ceph.endpoint,
          WORKTRACE_S3_REGION: ceph.region,
          AWS_ACCESS_KEY_ID: ceph.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: ceph.credentials.secretAccessKey,
        },
        filesContaining: async (needle) => filesContaining(ceph.dataDir, needle),
        close: () => storage.close(),
      };
    },
  };
}

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
export function testSetups(): TestSetup[] {
  const backends = testBackends();
  const setups: TestSetup[] = backends.map((backend) => ({ name: `${backend.name}+disk`, backend, store: diskStore }));
  const postgres = backends.find((b) => b.name === 'postgres');
  const ceph = postgres ? cephStore() : undefined;
  if (postgres && ceph) setups.push({ name: 'postgres+ceph', backend: postgres, store: ceph });
  return setups;
}
