import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { createContract, ensureUser } from '../../src/domain/demo.js';
import { ScreenshotObjects } from '../../src/domain/screenshot-objects.js';
import { openRepositories } from '../../src/repository/index.js';
import { DiskScreenshotStorage } from '../../src/storage/disk.js';
import { testServerKeys } from '../support/keys.js';
import { testBackends } from '../support/backends.js';
import { fakeJpeg } from '../support/server.js';
import { SERVER_FROM_SOURCE, startServerProcess, stopProcess } from '../support/server-process.js';

const SHOTS = 1500;
const MIN = 60_000;

/** Every file below `dir`, recursively (the storage shards its files into folders). */
function storedFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/**
 * Issue 14: a bulk deletion killed (SIGKILL) in the middle of removing the objects. Every screenshot is then deleted
 * for readers with its key destroyed, or untouched, none half (a live row whose object is gone); after a restart the
 * same call finishes the job, counting the screenshots as gone already, and no object is left in the store. The data
 * is written before the server starts (SQLite file or PostgreSQL, real disk storage), so there are enough
 * screenshots for the kill to land mid-way.
 */
describe.each(testBackends())('a bulk deletion killed in the middle ($name, a real server process)', (backend) => {
  const started: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    // A child killed by the test has exited already (exitCode stays null after a signal): nothing to stop.
    for (const c of started.splice(0)) if (c.signalCode === null) await stopProcess(c);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('leaves each screenshot deleted or untouched, and a repeat after a restart finishes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-kill-'));
    dirs.push(dataDir);
    const storageDir = join(dataDir, 'screenshots');
    const now = Date.now();
    const clock = { now: () => now, monotonic: () => 0, setTimeout: () => { throw new Error('unused'); }, setInterval: () => { throw new Error('unused'); }, clearTimer: () => undefined } as never;
    const databaseUrl = await backend.databaseUrl();
    const repos = await openRepositories({ databaseUrl, dataDir, now });
    const keys = testServerKeys();
    const objects = new ScreenshotObjects(new DiskScreenshotStorage(storageDir), keys.ring);
    const client = await ensureUser(repos, clock, { email: 'kill-client@test.example', password: 'a long client password', name: 'Client' });
    const freelancer = await ensureUser(repos, clock, { email: 'kill-freelancer@test.example', password: 'a long freelancer password', name: 'Freelancer' });
    const start = now - SHOTS * MIN - 3_600_000;
    const contract = await createContract(repos, clock, { name: 'Kill', clientId: client.id, freelancerId: freelancer.id, segmentSeconds: 60, screenshots: 'on', retentionDays: 365, startsAt: start });
    for (let i = 0; i < SHOTS; i++) {
      const at = start + i * MIN;
      const segmentId = ulid(at);
      await repos.segments.insert({ id: segmentId, contractId: contract.id, startedAt: at, lengthSeconds: 60, trackedSeconds: 60, idleSeconds: 0, memo: null, minutes: [], apps: [], policyVersion: 1, revision: null, billable: true, screenshotSkipped: null, createdAt: at, updatedAt: at });
      const id = ulid(at + 1000);
      const bytes = fakeJpeg();
      const stored = await objects.store(id, bytes);
      await repos.screenshots.insert({ id, segmentId, contractId: contract.id, takenAt: at + 1000, contentType: 'image/jpeg', byteSize: bytes.length, sha256: null, ...stored, uploadedAt: at + 1000, removedBy: null, removedAt: null });
    }
    await repos.close();
    expect(storedFiles(storageDir)).toHaveLength(SHOTS);

    const args = ['--port', '0', '--data-dir', dataDir, ...(databaseUrl ? ['--database', databaseUrl] : [])];
    const env = { ...process.env, WORKTRACE_SERVER_KEYS: keys.text };
    const first = await startServerProcess(SERVER_FROM_SOURCE, args, env);
    started.push(first.child);
    const signIn = async (base: string) =>
      ((await (await fetch(`${base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'kill-client@test.example', password: 'a long client password' }) })).json()) as { token: string }).token;
    const bulk = async (base: string, token: string) =>
      fetch(`${base}/contracts/${contract.id}/screenshots/deletion`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ scope: 'contract' }) });
    const token = await signIn(first.base);

    const call = bulk(first.base, token).catch(() => null); // the answer never comes: the process dies
    let left = SHOTS;
    while (left > SHOTS * 0.7) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      left = storedFiles(storageDir).length;
    }
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    await call;
    const afterKill = storedFiles(storageDir).length;
    expect(afterKill, 'the kill landed in the middle of the byte deletions').toBeGreaterThan(0);
    expect(afterKill).toBeLessThan(SHOTS);

    // Each screenshot: deleted for readers (a placeholder, its bytes gone or still to go) or untouched (bytes there).
    const check = await openRepositories({ databaseUrl, dataDir, now });
    const files = new Set(storedFiles(storageDir));
    const rows = await check.screenshots.listForSegments((await check.segments.page(contract.id, start, now, null, SHOTS + 10, Number.MAX_SAFE_INTEGER)).rows.map((s) => s.id));
    expect(rows).toHaveLength(SHOTS);
    let deleted = 0;
    for (const row of rows) {
      if (row.removedAt !== null) {
        deleted += 1;
        expect(row.removedBy).toBe('client');
        expect(row.wrappedKey, `${row.id} is deleted: its key went with the commit`).toBeNull();
      } else {
        expect(row.storageKey, `${row.id} is live: its bytes must be whole`).not.toBeNull();
        expect([...files].some((f) => f.endsWith(row.storageKey!.split('/').at(-1)!)), `${row.id} is live: its bytes must be there`).toBe(true);
      }
    }
    // The marking is one transaction: it committed whole (every key destroyed) before any object went.
    expect(deleted).toBe(SHOTS);
    expect((await check.segments.timeSums(contract.id, start, now)).find((g) => g.billable)?.trackedSeconds).toBe(SHOTS * 60);
    await check.close();

    const second = await startServerProcess(SERVER_FROM_SOURCE, args, env);
    started.push(second.child);
    const again = await bulk(second.base, await signIn(second.base));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ deleted: 0, alreadyDeleted: SHOTS });
    expect(storedFiles(storageDir)).toEqual([]);
  }, 180_000);
});
