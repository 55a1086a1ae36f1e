import { mkdirSync, rmdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { serverConfig } from '../../src/config.js';
import { buildServer } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { DiskScreenshotStorage } from '../../src/storage/disk.js';
import { filesContaining, listFiles } from '../support/files.js';
import { testSetups, type TestSetup } from '../support/object-stores.js';
import { createWorld, fakeJpeg, segmentBody, segmentStart, startTestServer, uploadScreenshot, type TestServer, type World } from '../support/server.js';
import { runServerCommand } from '../support/server-process.js';

const DAY = 86_400_000;

describe.each(testSetups({ searchesClusterFiles: true }))('deletion and retention on $name', ({ backend, store }: TestSetup) => {
  let server: TestServer;
  let world: World;

  beforeEach(async () => {
    // Tokens outlive the months these tests move the clock through (expiry has its own test).
    server = await startTestServer(backend, { tokenTtlMs: 400 * DAY }, store);
    world = await createWorld(server, { retentionDays: 30 });
    server.clock.advance(25 * 60_000);
  });
  afterEach(async () => server.close());

  /** Two segments of 5 tracked minutes, each with a screenshot. */
  async function twoSegmentsWithScreenshots() {
    const start = segmentStart(server.clock.now()) - 1_200_000;
    const shots = [];
    for (const at of [start, start + 600_000]) {
      const segment = segmentBody({ contractId: world.contract.id, startedAt: at, minutes: 5 });
      expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment })).status).toBe(200);
      const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: at + 90_000 });
      expect(shot.status).toBe(200);
      shots.push({ segmentId: segment.id, id: shot.id, bytes: shot.bytes_sent });
    }
    return { start, shots };
  }

  async function diary(token = world.client.token) {
    const from = new Date(server.clock.now() - 40 * DAY).toISOString();
    const to = new Date(server.clock.now() + DAY).toISOString();
    const response = await server.request('GET', `/api/v1/contracts/${world.contract.id}/diary?from=${from}&to=${to}`, { token });
    expect(response.status).toBe(200);
    return response.json;
  }

  /** Where the database keeps its bytes: the SQLite file (and WAL) in the data directory, or the cluster's files. */
  async function databaseFilesContaining(needle: Buffer): Promise<string[]> {
    const cluster = backend.postgres();
    if (backend.name === 'postgres') {
      if (!cluster?.dataDir) return []; // an external server (WORKTRACE_TEST_PG_URL): its files are not ours to read
      await cluster.checkpoint();
      return filesContaining(cluster.dataDir, needle);
    }
    return filesContaining(server.dataDir, needle).filter((f) => !f.startsWith(server.storageDir));
  }

  async function storageKeyOf(id: string): Promise<string> {
    const key = (await server.repos.screenshots.find(id))?.storageKey;
    if (!key) throw new Error(`screenshot ${id} is not stored`);
    return key;
  }

  /** A slice of the random payload: unique to this image. */
  const marker = (bytes: Buffer) => bytes.subarray(16, 80);

  it('client deletion: the bytes leave storage and database, the time stays billed, a placeholder remains', async () => {
    const { shots } = await twoSegmentsWithScreenshots();
    const [target, kept] = shots as [(typeof shots)[0], (typeof shots)[0]];
    const [targetKey, keptKey] = [await storageKeyOf(target.id), await storageKeyOf(kept.id)];
    expect(await server.storedObjects()).toEqual([targetKey, keptKey].sort());
    // Sealed: the image itself never reaches the store.
    expect(await server.storeFilesContaining(marker(target.bytes))).toEqual([]);
    const before = await diary();
    expect(before.totals).toEqual({ trackedSeconds: 600, billableSeconds: 600 });

    server.clock.advance(7 * DAY); // "any age": a screenshot from last week
    const deleted = await server.request('DELETE', `/api/v1/screenshots/${target.id}`, { token: world.client.token });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toMatchObject({ id: target.id, removed: { by: 'client' }, segmentBillable: true });

    expect(await server.storedObjects()).toEqual([keptKey]); // only that one went
    expect(await databaseFilesContaining(marker(target.bytes))).toEqual([]);
    // Control: the search does reach what the database stores (a memo written through the API).
    const memo = `memo-needle-${target.id}`;
    const withMemo = segmentBody({ contractId: world.contract.id, startedAt: segmentStart(server.clock.now()), minutes: 1, memo });
    await server.request('PUT', `/api/v1/segments/${withMemo.id}`, { token: world.freelancer.token, json: withMemo });
    if (backend.name === 'sqlite' || backend.postgres()?.dataDir) {
      expect((await databaseFilesContaining(Buffer.from(memo))).length).toBeGreaterThan(0);
    }

    const after = await diary();
    expect(after.totals).toEqual({ trackedSeconds: before.totals.trackedSeconds + 60, billableSeconds: before.totals.billableSeconds + 60 });
    const entry = after.segments.find((s: { id: string }) => s.id === target.segmentId);
    expect(entry.screenshot).toBeNull();
    expect(entry.screenshotRemoved).toEqual({ by: 'client', at: new Date(server.clock.now()).toISOString() });
    expect(entry.billable).toBe(true);

    const fetched = await server.request('GET', `/api/v1/screenshots/${target.id}`, { token: world.client.token });
    expect(fetched.status).toBe(410);
    expect(fetched.json.error.code).toBe('SCREENSHOT_DELETED');
    // The agent retrying the upload gets a final 410; the image does not come back.
    const reupload = await uploadScreenshot(server, world.freelancer.token, { id: target.id, segmentId: target.segmentId, capturedAt: Date.now(), bytes: target.bytes });
    expect(reupload.status).toBe(410);
    expect(await server.storedObjects()).toEqual([keptKey]);
    // Deleting again is a final 410 too, and changes nothing.
    expect((await server.request('DELETE', `/api/v1/screenshots/${target.id}`, { token: world.freelancer.token })).status).toBe(410);
    expect((await diary()).totals).toEqual(after.totals);
  });

  it('freelancer deletion: the bytes are gone and the segment is no longer billed', async () => {
    const { shots } = await twoSegmentsWithScreenshots();
    const target = shots[0]!;
    const deleted = await server.request('DELETE', `/api/v1/screenshots/${target.id}`, { token: world.freelancer.token });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toMatchObject({ removed: { by: 'freelancer' }, segmentBillable: false });
    expect(await server.storedObjects()).toEqual([await storageKeyOf(shots[1]!.id)]);
    expect(await databaseFilesContaining(marker(target.bytes))).toEqual([]);
    const after = await diary(world.freelancer.token);
    expect(after.totals).toEqual({ trackedSeconds: 600, billableSeconds: 300 });
    const entry = after.segments.find((s: { id: string }) => s.id === target.segmentId);
    expect(entry).toMatchObject({ billable: false, screenshot: null, screenshotRemoved: { by: 'freelancer' } });
    // A later re-upload of the segment (the agent extending it) does not make it billable again.
    const again = segmentBody({ id: target.segmentId, contractId: world.contract.id, startedAt: Date.parse(entry.startedAt), minutes: 6 });
    expect((await server.request('PUT', `/api/v1/segments/${target.segmentId}`, { token: world.freelancer.token, json: again })).json.billable).toBe(false);
    expect((await diary()).totals).toEqual({ trackedSeconds: 660, billableSeconds: 300 });
  });

  it('freelancer deletion before the upload: a placeholder stops the billing and refuses the upload later (410)', async () => {
    const start = segmentStart(server.clock.now()) - 600_000;
    const segment = segmentBody({ contractId: world.contract.id, startedAt: start, minutes: 5 });
    await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment });
    const id = ulid();
    const path = `/api/v1/screenshots/${id}?segmentId=${segment.id}`;
    expect((await server.request('DELETE', path, { token: world.client.token })).status).toBe(403);
    expect((await server.request('DELETE', path, { token: world.otherFreelancer.token })).status).toBe(404);
    expect((await server.request('DELETE', `/api/v1/screenshots/${id}`, { token: world.freelancer.token })).status).toBe(404);
    const deleted = await server.request('DELETE', path, { token: world.freelancer.token });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toMatchObject({ id, segmentId: segment.id, removed: { by: 'freelancer' }, segmentBillable: false });
    const upload = await uploadScreenshot(server, world.freelancer.token, { id, segmentId: segment.id, capturedAt: start + 1000 });
    expect(upload.status).toBe(410);
    expect(await server.storedObjects()).toEqual([]);
    const entry = (await diary()).segments.find((s: { id: string }) => s.id === segment.id);
    expect(entry).toMatchObject({ billable: false, screenshot: null, screenshotRemoved: { by: 'freelancer' } });
    // A screenshot the server already has must be deleted by its own id.
    const other = segmentBody({ contractId: world.contract.id, startedAt: start - 600_000 });
    await server.request('PUT', `/api/v1/segments/${other.id}`, { token: world.freelancer.token, json: other });
    await uploadScreenshot(server, world.freelancer.token, { segmentId: other.id, capturedAt: start - 500_000 });
    expect((await server.request('DELETE', `/api/v1/screenshots/${ulid()}?segmentId=${other.id}`, { token: world.freelancer.token })).status).toBe(409);
  });

  it('refuses (410) a screenshot uploaded after its retention already ran out, storing nothing', async () => {
    const start = segmentStart(server.clock.now()) - 600_000;
    const segment = segmentBody({ contractId: world.contract.id, startedAt: start });
    await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment });
    server.clock.advance(31 * DAY); // the agent was offline for a month
    const late = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 1000 });
    expect(late.status).toBe(410);
    expect(late.json.error.code).toBe('SCREENSHOT_DELETED');
    expect(await server.storedObjects()).toEqual([]);
  });

  it('strangers cannot delete (404), and the image stays', async () => {
    const { shots } = await twoSegmentsWithScreenshots();
    for (const token of [world.otherClient.token, world.otherFreelancer.token]) {
      expect((await server.request('DELETE', `/api/v1/screenshots/${shots[0]!.id}`, { token })).status).toBe(404);
    }
    expect((await server.request('DELETE', `/api/v1/screenshots/${shots[0]!.id}`)).status).toBe(401);
    expect(await server.storedObjects()).toHaveLength(2);
    const image = await server.request('GET', `/api/v1/screenshots/${shots[0]!.id}`, { token: world.client.token });
    expect(image.bytes.equals(shots[0]!.bytes)).toBe(true);
  });

  it('shows each screenshot expiresAt, and the scheduled purge deletes it then, keeping the time', async () => {
    const { shots } = await twoSegmentsWithScreenshots();
    const before = await diary();
    for (const s of before.segments) {
      expect(Date.parse(s.screenshot.expiresAt) - Date.parse(s.screenshot.takenAt)).toBe(30 * DAY);
    }
    server.clock.advance(29 * DAY); // the hourly schedule runs all along: nothing is due yet
    await waitForPurge(server);
    expect(await server.storedObjects()).toHaveLength(2);

    server.clock.advance(DAY + 3_600_000);
    await waitFor(async () => (await server.storedObjects()).length === 0);
    for (const s of shots) expect(await databaseFilesContaining(marker(s.bytes))).toEqual([]);
    await waitFor(async () => (await diary()).segments.every((s: { screenshotRemoved: unknown }) => s.screenshotRemoved !== null));
    const after = await diary();
    expect(after.totals).toEqual(before.totals);
    for (const s of after.segments) expect(s.screenshotRemoved.by).toBe('retention');
  });

  // Disk only (defined for it alone): a directory standing where a file was is what makes the disk store fail to delete.
  if (store.name === 'disk') it('an object the store cannot delete does not stop the purge, for this contract or any other; its key is gone at once, the object on a later run', async () => {
    const { shots } = await twoSegmentsWithScreenshots();
    const otherStart = segmentStart(server.clock.now()) - 600_000;
    const other = segmentBody({ contractId: world.otherContract.id, startedAt: otherStart });
    await server.request('PUT', `/api/v1/segments/${other.id}`, { token: world.otherFreelancer.token, json: other });
    const otherShot = await uploadScreenshot(server, world.otherFreelancer.token, { segmentId: other.id, capturedAt: otherStart + 1000 });
    expect(otherShot.status).toBe(200);
    // The oldest one's file cannot be overwritten or unlinked as a file any more (a directory stands in its place).
    const stuck = (await server.repos.screenshots.find(shots[0]!.id))!;
    const stuckPath = join(server.storageDir, stuck.storageKey!);
    rmSync(stuckPath);
    mkdirSync(stuckPath);

    server.clock.advance(31 * DAY);
    const purged = async (id: string) => (await server.repos.screenshots.find(id))?.removedBy === 'retention';
    await waitFor(async () => (await purged(otherShot.id)) && (await purged(shots[1]!.id)) && (await purged(stuck.id)));
    // Its row and its key went (crypto-shredding does not wait for the store); the object waits in the queue.
    expect(await server.repos.screenshots.find(stuck.id)).toMatchObject({ storageKey: null, keyId: null, wrappedKey: null });
    await waitFor(async () => (await server.repos.screenshots.queuedDeletions(10)).length === 1); // the others went
    expect(await server.repos.screenshots.queuedDeletions(10)).toEqual([stuck.storageKey]);
    expect(server.logs()).toContain('could not delete a removed screenshot object from the store');

    rmdirSync(stuckPath); // whatever stood in the way is gone: the next hourly run takes it
    server.clock.advance(3_600_000);
    await waitFor(async () => (await server.repos.screenshots.queuedDeletions(10)).length === 0);
  });

  // Disk only: the sweep of temporaries and file times is the disk store's (an S3 store has no temporaries).
  if (store.name === 'disk') it('sweeps at start the files of uploads that never committed, and keeps every file a row names', async () => {
    const { shots } = await twoSegmentsWithScreenshots();
    const storage = new DiskScreenshotStorage(server.storageDir);
    // What a crash between the image file and its row leaves, an hour ago; and one from an upload still committing.
    const orphanBytes = fakeJpeg(400);
    const orphan = await storage.put(ulid(), orphanBytes);
    const young = await storage.put(ulid(), fakeJpeg());
    const unfinished = join(server.storageDir, orphan.split('/')[0]!, '.00112233445566ff.tmp');
    writeFileSync(unfinished, fakeJpeg());
    const at = (ms: number) => new Date(ms);
    for (const path of [join(server.storageDir, orphan), unfinished]) utimesSync(path, at(server.clock.now() - 3_600_000), at(server.clock.now() - 3_600_000));
    utimesSync(join(server.storageDir, young), at(server.clock.now() - 60_000), at(server.clock.now() - 60_000));
    const kept = (await Promise.all(shots.map((s) => server.repos.screenshots.find(s.id)))).map((r) => r!.storageKey!);

    // The server starts again over the same database and storage.
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }) });
    const restarted = await buildServer(serverConfig({ dataDir: server.dataDir, purgeIntervalMs: 0 }), { clock: server.clock, repos: server.repos, storage, keys: server.keys, logger });
    await restarted.ready();
    await restarted.close(); // waits for the sweep and the purge that follows it

    expect(listFiles(server.storageDir).map((f) => relative(server.storageDir, f)).sort()).toEqual([...kept, young].sort());
    expect(filesContaining(server.storageDir, marker(orphanBytes))).toEqual([]);
    expect(lines.join('')).toContain('deleted screenshot files that no screenshot row names');
    for (const s of shots) expect((await server.request('GET', `/api/v1/screenshots/${s.id}`, { token: world.client.token })).status).toBe(200);
  });

  it('lowering the retention brings expiry forward; the CLI purge applies it', async () => {
    // The CLI runs with the real clock, so these screenshots are taken ten real days ago.
    server.clock.setWall(Date.now() - 10 * DAY);
    const { shots } = await twoSegmentsWithScreenshots();
    const lowered = await server.request('PUT', `/api/v1/contracts/${world.contract.id}/policy`, { token: world.client.token, json: { retentionDays: 5 } });
    expect(lowered.json).toMatchObject({ retentionDays: 5, version: 2 });
    const withNewExpiry = await diary();
    for (const s of withNewExpiry.segments) expect(Date.parse(s.screenshot.expiresAt) - Date.parse(s.screenshot.takenAt)).toBe(5 * DAY);
    expect(await server.storedObjects()).toHaveLength(2); // the server's (fake) clock has not reached it

    const args = ['purge', '--data-dir', server.dataDir];
    if (server.databaseUrl) args.push('--database', server.databaseUrl);
    args.push(...server.cli.args);
    // The built bin, run asynchronously: a spawnSync would stall this process's event loop for the whole purge, and
    // the fetch after it then sent on a kept-alive socket the server had closed meanwhile (ECONNRESET in CI).
    const cli = await runServerCommand(args, { env: { ...server.cli.env, WORKTRACE_LOG_LEVEL: 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('purged 2 screenshot(s)');
    expect(await server.storedObjects()).toEqual([]);
    for (const s of shots) expect(await databaseFilesContaining(marker(s.bytes))).toEqual([]);
    const after = await diary();
    expect(after.totals.billableSeconds).toBe(600);
    expect(after.segments.map((s: { screenshotRemoved: { by: string } }) => s.screenshotRemoved.by)).toEqual(['retention', 'retention']);
  });
});

/** The purge runs on the server's schedule, asynchronously: wait (boundedly) for a condition. */
async function waitFor(check: () => Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not reached');
}

/** Lets a purge started by the fake clock finish: one more request round-trip after a short pause. */
async function waitForPurge(server: TestServer): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  await server.request('GET', '/api/v1/openapi.json');
}
