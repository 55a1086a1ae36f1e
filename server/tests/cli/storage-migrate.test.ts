import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { migrateStorage } from '../../src/domain/storage-migration.js';
import { ScreenshotObjects } from '../../src/domain/screenshot-objects.js';
import { createLogger } from '../../src/logger.js';
import type { ScreenshotStorage } from '../../src/storage/types.js';
import { testBackends } from '../support/backends.js';
import { cephStore, swiftStore, type OpenedStore, type TestStore } from '../support/object-stores.js';
import { createWorld, fakeJpeg, segmentBody, segmentStart, startTestServer, uploadScreenshot, type TestServer, type World } from '../support/server.js';

/**
 * `worktrace-server storage migrate --to s3://…` moves a disk-backed server's screenshots to a real Ceph RGW and to a
 * real OpenStack Swift (S3 API): copy, verify, then remove; a run interrupted after a copy resumes; screenshots stored
 * before sealing are sealed on the way.
 */
const postgres = testBackends().find((b) => b.name === 'postgres');
const stores = postgres ? [cephStore(), swiftStore()].filter((s): s is TestStore => s !== undefined) : [];

describe.runIf(postgres && stores.length > 0).each(stores)('storage migrate from disk to $name', (store) => {
  let server: TestServer;
  let world: World;
  let target: OpenedStore;

  beforeAll(async () => {
    server = await startTestServer(postgres!);
    world = await createWorld(server);
    server.clock.advance(2 * 3_600_000); // the screenshots below, up to an hour old, are captured after the policy existed
    target = await store.open(server.dataDir);
  }, 120_000);
  afterAll(async () => {
    target?.close();
    await server?.close();
  });

  async function uploadOne(at: number): Promise<{ id: string; image: Buffer }> {
    const segment = segmentBody({ contractId: world.contract.id, startedAt: at });
    expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment })).status).toBe(200);
    const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: at + 1000, bytes: fakeJpeg(2048) });
    expect(shot.status).toBe(200);
    return { id: shot.id, image: shot.bytes_sent };
  }

  /** A screenshot as a server before sealing stored it: the image itself on disk, no key in its row. */
  async function legacyOne(at: number): Promise<{ id: string; image: Buffer }> {
    const segment = segmentBody({ contractId: world.contract.id, startedAt: at });
    expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment })).status).toBe(200);
    const id = ulid();
    const image = fakeJpeg(2048);
    const storageKey = await server.storage.put(id, image);
    await server.repos.screenshots.insert({
      id,
      segmentId: segment.id,
      contractId: world.contract.id,
      takenAt: at + 1000,
      contentType: 'image/jpeg',
      byteSize: image.length,
      sha256: createHash('sha256').update(image).digest('hex'),
      storageKey,
      keyId: null,
      wrappedKey: null,
      uploadedAt: server.clock.now(),
      removedBy: null,
      removedAt: null,
    });
    return { id, image };
  }

  const keysIn = async (storage: ScreenshotStorage) => {
    const keys: string[] = [];
    for await (const key of storage.list()) keys.push(key);
    return keys.sort();
  };

  function cli(): { status: number | null; stdout: string; stderr: string } {
    const args = ['--import', 'tsx', join('server', 'src', 'cli', 'bin.ts'), 'storage', 'migrate', '--data-dir', server.dataDir, '--database', server.databaseUrl!];
    args.push('--to', ...target.cliArgs.slice(1)); // --storage s3://bucket --s3-path-style → --to s3://bucket --s3-path-style
    const env = { ...process.env, ...server.cli.env, ...target.cliEnv, WORKTRACE_LOG_LEVEL: 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    return spawnSync(process.execPath, args, { cwd: join(import.meta.dirname, '..', '..', '..'), encoding: 'utf8', env, timeout: 120_000 });
  }

  it('copies, verifies and only then removes; resumes after an interruption; seals what was stored before sealing', async () => {
    const start = segmentStart(server.clock.now()) - 3_600_000;
    const shots = [await uploadOne(start), await uploadOne(start + 600_000), await uploadOne(start + 1_200_000), await legacyOne(start + 1_800_000)];
    const gone = await uploadOne(start + 2_400_000);
    expect((await server.request('DELETE', `/api/v1/screenshots/${gone.id}`, { token: world.client.token })).status).toBe(200);
    const orphan = await server.storage.put(ulid(), Buffer.from('an upload that lost its race'));
    expect(await keysIn(server.storage)).toHaveLength(shots.length + 1);

    // Interrupted right after the first copy was verified, before its source was removed (a crash at the worst moment).
    const interrupted: ScreenshotStorage = {
      ...server.storage,
      kind: server.storage.kind,
      put: (id, bytes) => server.storage.put(id, bytes),
      putAt: (key, bytes) => server.storage.putAt(key, bytes),
      get: (key) => server.storage.get(key),
      list: () => server.storage.list(),
      check: () => server.storage.check(),
      delete: async () => {
        throw new Error('crashed');
      },
    };
    const logger = createLogger({ level: 'silent' });
    await expect(migrateStorage({ repos: server.repos, keys: server.keys, source: interrupted, target: target.storage, logger })).rejects.toThrow('crashed');
    expect(await keysIn(target.storage)).toHaveLength(1);
    expect(await keysIn(server.storage)).toHaveLength(shots.length + 1); // nothing removed from the source

    const run = cli();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`moved ${shots.length - 1} screenshot(s)`);
    expect(run.stdout).toContain('(1 sealed on the way), 1 found there already from an earlier run, 1 unreferenced object(s) removed');

    expect(await keysIn(server.storage)).toEqual([]);
    expect(await keysIn(target.storage)).not.toContain(orphan);
    const fromTarget = new ScreenshotObjects(target.storage, server.keys);
    for (const shot of shots) {
      const row = (await server.repos.screenshots.find(shot.id))!;
      expect(row.keyId).not.toBeNull(); // the legacy one is sealed now
      expect((await fromTarget.read(row))?.equals(shot.image)).toBe(true);
      expect((await target.storage.get(row.storageKey!))?.includes(shot.image.subarray(20, 80))).toBe(false);
    }

    const again = cli();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('moved 0 screenshot(s) to');
    expect(again.stdout).toContain(`${shots.length} found there already`); // verified again, nothing copied
    expect(await keysIn(server.storage)).toEqual([]);
  }, 240_000);
});
