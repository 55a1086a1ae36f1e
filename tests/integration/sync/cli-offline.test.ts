import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath, openStore } from '../../../src/main/store/index.js';
import { CredentialsStore } from '../../../src/main/sync/index.js';
import { assertBuilt } from '../../support/cli.js';
import { runCliAsync } from './support/cli-async.js';

/** The CLI in server mode with the server away: nothing lost, a clear one-line error, and status says why. */
describe('worktrace sync with the server unreachable', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const contractId = ulid();
  const segmentId = ulid();

  beforeAll(async () => {
    assertBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'worktrace-offline-'));
    env = { ...process.env, WORKTRACE_DATA_DIR: dataDir };
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    new CredentialsStore(dataDir).write({
      server: `http://127.0.0.1:${port}`,
      email: 'freelancer@demo.test',
      userId: 'u',
      role: 'freelancer',
      token: 'offline-token',
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
    const store = openStore({ file: databasePath(dataDir), clock: { now: () => Date.now() }, mode: 'server' });
    const start = Math.floor(Date.now() / 600_000) * 600 - 600;
    store.segments.openSegment({ id: segmentId, contractId, startedAt: start, lengthSeconds: 600, memo: null, policyVersion: 1 });
    store.segments.flushMinute(segmentId, { startedAt: start, trackedMs: 60_000, keyboard: 3, mouse: 2, idle: false }, []);
    store.close();
  });

  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('says the server is unreachable, keeps the queue, and status shows the error', async () => {
    const sync = await runCliAsync(['sync'], env);
    expect(sync.stdout).toMatch(/^Sent 0 segment\(s\) and 0 screenshot\(s\)\./);
    expect(sync.stderr).toMatch(/^worktrace: Sync stopped: server unreachable \(ECONNREFUSED\)\. Nothing was lost/);
    expect(sync.status).toBe(1);
    const status = JSON.parse((await runCliAsync(['status', '--json'], env)).stdout);
    const row = status.sync.contracts.find((c: { contractId: string }) => c.contractId === contractId);
    expect(row).toMatchObject({ pendingSegments: 1, parked: [], lastSuccessAt: null, policy: null });
    expect(row.lastError.message).toMatch(/server unreachable/);
    expect(JSON.stringify(status)).not.toContain('offline-token');
  });

  it('refuses local-mode flags and names that are not contract ids in server mode', async () => {
    const flags = await runCliAsync(['track', '--contract', contractId, '--screenshots', 'on'], env);
    expect(flags.status).toBe(1);
    expect(flags.stderr).toMatch(/come from the contract's policy in server mode/);
    const name = await runCliAsync(['track', '--contract', 'my client'], env);
    expect(name.status).toBe(1);
    expect(name.stderr).toMatch(/is not a contract id/);
    const none = await runCliAsync(['track'], env);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/Which contract\?/);
  });

  it('logout offline signs out here and says the server was not told; status then says whom the queue waits for', async () => {
    const server = new CredentialsStore(dataDir).require().server;
    const logout = await runCliAsync(['logout'], env);
    expect(logout.status).toBe(0);
    expect(logout.stdout).toBe(
      `Signed out on this computer, but ${server} could not be told (server unreachable (ECONNREFUSED)): that sign-in stays valid on the server ` +
        'until 2099-01-01T00:00:00.000Z. Recorded time stays queued until you sign in again.\n',
    );
    expect(new CredentialsStore(dataDir).read()).toBeNull();
    // The segment was adopted by that account at the first sync: it waits for it, it is not anyone's to send now.
    const status = await runCliAsync(['status'], env);
    expect(status.stdout).toContain(`1 item waits for freelancer@demo.test on ${server}: sign in as them to send them.`);
    const json = JSON.parse((await runCliAsync(['status', '--json'], env)).stdout);
    expect(json.sync.signedIn).toBeNull();
    expect(json.sync.waitingForOtherAccounts).toEqual([
      { account: { server, userId: 'u', email: 'freelancer@demo.test' }, pendingSegments: 1, pendingScreenshots: 0, parked: 0 },
    ]);
  });
});
