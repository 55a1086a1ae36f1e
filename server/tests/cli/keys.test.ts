import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { binPath } from '../../../tests/support/built.js';
import { generateServerKeyLine, keyRing, parseServerKeys } from '../../src/crypto/server-keys.js';
import { createContract, ensureUser } from '../../src/domain/demo.js';
import { ScreenshotObjects } from '../../src/domain/screenshot-objects.js';
import { openRepositories, type Repositories } from '../../src/repository/index.js';
import { DiskScreenshotStorage } from '../../src/storage/disk.js';
import { fakeJpeg } from '../support/server.js';

const MIN = 60_000;

/** The BUILT worktrace-server (what an operator runs), with the key file's environment variables cleared. */
function worktraceServer(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.WORKTRACE_SERVER_KEYS;
  delete env.WORKTRACE_SERVER_KEY_FILE;
  const run = spawnSync(process.execPath, [binPath('server', 'worktrace-server'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `count` screenshots stored sealed under `ring`'s current key, with their rows, as a server would leave them. */
async function storeScreenshots(repos: Repositories, objects: ScreenshotObjects, count: number): Promise<{ id: string; image: Buffer }[]> {
  const now = Date.now();
  const clock = { now: () => now } as never;
  const client = await ensureUser(repos, clock, { email: 'keys-client@test.example', password: 'a long client password', name: 'Client' });
  const freelancer = await ensureUser(repos, clock, { email: 'keys-freelancer@test.example', password: 'a long freelancer password', name: 'Freelancer' });
  const start = now - count * MIN - 3_600_000;
  const contract = await createContract(repos, clock, { name: 'Keys', clientId: client.id, freelancerId: freelancer.id, segmentSeconds: 60, screenshots: 'on', retentionDays: 365, startsAt: start });
  const stored: { id: string; image: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const at = start + i * MIN;
    const segmentId = ulid(at);
    await repos.segments.insert({ id: segmentId, contractId: contract.id, startedAt: at, lengthSeconds: 60, trackedSeconds: 60, idleSeconds: 0, memo: null, minutes: [], apps: [], policyVersion: 1, revision: null, billable: true, screenshotSkipped: null, createdAt: at, updatedAt: at });
    const id = ulid(at + 1000);
    const image = fakeJpeg(4096);
    const object = await objects.store(id, image);
    await repos.screenshots.insert({ id, segmentId, contractId: contract.id, takenAt: at + 1000, contentType: 'image/jpeg', byteSize: image.length, sha256: null, ...object, uploadedAt: at + 1000, removedBy: null, removedAt: null });
    stored.push({ id, image });
  }
  return stored;
}

/**
 * Rotating the server key through the built CLI (issue 18): `keys generate` makes a line the server takes,
 * `keys rewrap` wraps every screenshot key again under the first key of the key file and names the old key as no
 * longer needed, after which the old key can go and every screenshot still opens. A key file others could read, or
 * one that is malformed, is refused with words that say why and no key in them. SQLite: the rewrap is the same SQL on
 * both databases (crypto-shredding.test.ts rewraps on PostgreSQL).
 */
describe('worktrace-server keys (the built bin)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('generates a key, rewraps every screenshot key under it, and the old key can go', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-keys-'));
    dirs.push(dataDir);
    const generate = worktraceServer(['keys', 'generate']);
    expect(generate.status).toBe(0);
    // Each run of the bin takes seconds (it loads the whole server): the old key is made the way generate makes it.
    const [newLine, oldLine] = [generate.stdout.trim(), generateServerKeyLine()];
    const [newKey, oldKey] = [parseServerKeys(newLine, 'new')[0]!, parseServerKeys(oldLine, 'old')[0]!];
    expect(newKey.id).not.toBe(oldKey.id);

    const repos = await openRepositories({ dataDir, now: Date.now() });
    const storage = new DiskScreenshotStorage(join(dataDir, 'screenshots'));
    let shots;
    try {
      shots = await storeScreenshots(repos, new ScreenshotObjects(storage, keyRing([oldKey])), 3);
    } finally {
      await repos.close();
    }
    const keyFile = join(dataDir, 'server-keys');
    writeFileSync(keyFile, `# rotated\n${newLine}\n${oldLine}\n`, { mode: 0o600 });

    const rewrap = worktraceServer(['keys', 'rewrap', '--data-dir', dataDir]);
    expect(rewrap.stderr).toBe('');
    expect(rewrap.status).toBe(0);
    expect(rewrap.stdout).toContain(`wrapped 3 screenshot key(s) again under server key ${newKey.id}`);
    expect(rewrap.stdout).toContain(`${newKey.id}: 3 screenshot(s)`);
    expect(rewrap.stdout).toContain(`no stored screenshot needs server key(s) ${oldKey.id} any more`);
    expect(rewrap.stdout).not.toContain(newKey.key.toString('base64'));

    // The old key dropped: every screenshot opens with the new one alone.
    const after = await openRepositories({ dataDir, now: Date.now() });
    try {
      const objects = new ScreenshotObjects(storage, keyRing([newKey]));
      for (const shot of shots) {
        const row = await after.screenshots.find(shot.id);
        expect(row?.keyId).toBe(newKey.id);
        expect((await objects.read(row!))?.equals(shot.image)).toBe(true);
      }
    } finally {
      await after.close();
    }
  });

  it('refuses a key file others can read, or a malformed one, saying why and quoting no key', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-keys-'));
    dirs.push(dataDir);
    const keyFile = join(dataDir, 'server-keys');
    const line = generateServerKeyLine();
    writeFileSync(keyFile, `${line}\n`, { mode: 0o600 });
    chmodSync(keyFile, 0o644);
    const open = worktraceServer(['keys', 'rewrap', '--data-dir', dataDir]);
    expect(open.status).toBe(1);
    expect(open.stderr).toContain('is readable by other users (mode 644): chmod 600 it (SERVER_KEY_FILE_INSECURE)');
    expect(open.stderr).not.toContain(line.split(' ')[1]);

    writeFileSync(keyFile, `${line.split(' ')[0]} ${Buffer.alloc(16, 9).toString('base64')}\n`, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
    const short = worktraceServer(['keys', 'rewrap', '--data-dir', dataDir]);
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('expected "<id> <base64 of 32 bytes>"');
    expect(short.stderr).toContain('(SERVER_KEYS_INVALID)');
    expect(short.stderr).not.toContain(Buffer.alloc(16, 9).toString('base64'));
  });
});
