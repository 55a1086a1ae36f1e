import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { S3ScreenshotStorage, s3OptionsFrom, type S3StorageOptions } from '../../src/storage/s3.js';
import type { ScreenshotStorage } from '../../src/storage/types.js';
import { diskStore, swiftStore, type OpenedStore, type TestStore } from '../support/object-stores.js';
import { fakeJpeg } from '../support/server.js';

/**
 * What every screenshot store promises (storage/types.ts), on the disk store and on a real OpenStack Swift through
 * its S3 API: the same tests on both, so the S3 code is held to what the disk store does. Ceph RGW runs the API
 * suites (object-stores.ts) and is not started here again: each store start costs seconds of CI on two cores.
 */
const stores: TestStore[] = [diskStore, swiftStore()].filter((s): s is TestStore => s !== undefined);

describe.each(stores)('the screenshot store contract on $name', (store) => {
  let dataDir: string;
  let opened: OpenedStore;
  let storage: ScreenshotStorage;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `wt-store-${store.name}-`));
    opened = await store.open(dataDir);
    storage = opened.storage;
  });
  afterAll(() => {
    opened?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const keys = async (from: ScreenshotStorage = storage) => {
    const all: string[] = [];
    for await (const key of from.list()) all.push(key);
    return all.sort();
  };

  it('stores and reads back the bytes, never replaces under a second put, and deletes (twice is fine)', async () => {
    const id = ulid();
    const bytes = fakeJpeg(50_000);
    const first = await storage.put(id, bytes);
    const second = await storage.put(id, fakeJpeg(1_000));
    expect(second).not.toBe(first);
    expect((await storage.get(first))?.equals(bytes)).toBe(true);
    await storage.delete(first);
    expect(await storage.get(first)).toBeUndefined();
    await storage.delete(first);
    expect(await keys()).toContain(second);
    expect(await keys()).not.toContain(first);
    await storage.delete(second);
  });

  it('stores a stream of known length as it arrives, and leaves nothing when the stream fails on its way', async () => {
    const bytes = fakeJpeg(300_000);
    const whole = new PassThrough();
    const stored = storage.put(ulid(), whole, bytes.length);
    for (let at = 0; at < bytes.length; at += 64_000) whole.write(bytes.subarray(at, at + 64_000));
    whole.end();
    const key = await stored;
    expect((await storage.get(key))?.equals(bytes)).toBe(true);

    // The caller's pipeline owns the stream's errors (the upload route's does): the disk store reads the stream only
    // after opening its temporary file, so an error before that would otherwise be nobody's.
    const cut = new PassThrough().on('error', () => undefined);
    const lost = storage.put(ulid(), cut, bytes.length);
    cut.write(bytes.subarray(0, 100_000));
    setImmediate(() => cut.destroy(new Error('the client went away')));
    await expect(lost).rejects.toThrow();
    expect(await keys()).toEqual([key]);
    await storage.delete(key);
  });

  it('answers undefined for a key never stored, and stores under a key another store made (putAt)', async () => {
    expect(await storage.get(`01/${ulid()}-0011223344556677`)).toBeUndefined();
    const key = `7Z/${ulid()}-8899aabbccddeeff`;
    await storage.putAt(key, Buffer.from('moved here'));
    expect((await storage.get(key))?.toString()).toBe('moved here');
    await storage.delete(key);
  });

  it('lists every key across several ListObjectsV2 pages, and sweeps them in batches by the time they were written', async () => {
    // Pages of 10 keys (S3's own are 1000: as many objects would take Swift a minute on a loaded 2-core machine).
    const paged = store.name === 'disk' ? storage : new S3ScreenshotStorage({ ...s3Options(opened), listPageSize: 10 });
    const before = Date.now() - 60_000;
    const written = await Promise.all(Array.from({ length: 25 }, () => storage.put(ulid(), Buffer.from('x'))));
    try {
      expect(await keys(paged)).toEqual([...written].sort());
      const batches: string[][] = [];
      for await (const batch of paged.keysWrittenBefore(Date.now() + 60_000, 12)) batches.push(batch);
      expect(batches.map((b) => b.length)).toEqual([12, 12, 1]);
      expect(batches.flat().sort()).toEqual([...written].sort());
      for await (const batch of paged.keysWrittenBefore(before, 12)) expect(batch).toEqual([]); // all written after
    } finally {
      if (paged !== storage) (paged as S3ScreenshotStorage).close();
      await Promise.all(written.map((key) => storage.delete(key)));
    }
    expect(await keys()).toEqual([]);
  });

  it('checks that it can reach its place (readiness)', async () => {
    await expect(storage.check()).resolves.toBeUndefined();
  });

  if (store.name !== 'disk') {
    const bucketUrl = () => opened.cliArgs[1]!;
    const optionsFor = (url: string) => s3OptionsFrom(url, opened.cliEnv, { pathStyle: true });
    const credentials = () => s3Options(opened).credentials!;

    it('keeps deployments under different prefixes of one bucket apart', async () => {
      const [a, b] = ['deployment-a', 'deployment-b'].map((prefix) => new S3ScreenshotStorage({ ...optionsFor(`${bucketUrl()}/${prefix}`), credentials: credentials() }));
      try {
        const inA = await a!.put(ulid(), Buffer.from('a'));
        const inB = await b!.put(ulid(), Buffer.from('b'));
        expect(await keys(a)).toEqual([inA]);
        expect(await keys(b)).toEqual([inB]);
        expect(await b!.get(inA)).toBeUndefined();
        expect(await keys()).toEqual([`deployment-a/${inA}`, `deployment-b/${inB}`].sort());
        await a!.delete(inA);
        await b!.delete(inB);
      } finally {
        a!.close();
        b!.close();
      }
    });

    it('fails with a coded error, not "no such object", for a wrong secret or a missing bucket', async () => {
      const stranger = new S3ScreenshotStorage({ ...optionsFor(bucketUrl()), credentials: { ...credentials(), secretAccessKey: 'not-the-secret' } });
      const nowhere = new S3ScreenshotStorage({ ...optionsFor('s3://no-such-bucket-here'), credentials: credentials() });
      const key = await storage.put(ulid(), Buffer.from('kept'));
      try {
        const attempts = [() => stranger.get(key), () => stranger.delete(key), () => stranger.check(), () => nowhere.check(), () => nowhere.get(key), () => nowhere.put(ulid(), Buffer.from('lost'))];
        for (const attempt of attempts) {
          await expect(attempt()).rejects.toMatchObject({ name: 'S3StorageError', code: 'OBJECT_STORE_FAILED' });
        }
        expect((await storage.get(key))?.toString()).toBe('kept');
      } finally {
        stranger.close();
        nowhere.close();
        await storage.delete(key);
      }
    });
  }
});

/** The options the CLI would build for an opened S3 store (its --storage and environment), credentials included. */
function s3Options(opened: OpenedStore): S3StorageOptions {
  const env = opened.cliEnv;
  return { ...s3OptionsFrom(opened.cliArgs[1]!, env, { pathStyle: true }), credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } };
}
