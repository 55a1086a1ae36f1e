import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databasePath, openStore, type OutboxAccount } from '../../../src/main/store/index.js';
import { FileKeyStore, encryptScreenshot } from '../../../src/main/crypto/index.js';
import { CredentialsStore, checkServerUrl } from '../../../src/main/sync/index.js';
import { assertBuilt, startCli, waitForOutput } from '../../support/cli.js';
import { FakeClock } from '../../support/fake-clock.js';
import { createAgentFixture, jpegLike } from './support/agent-fixture.js';
import { runCliAsync } from './support/cli-async.js';
import { startLiveServer, type LiveServer } from './support/live-server.js';

/**
 * Whose queue a person is shown, and when the uploader first drains it. On a machine where another account left
 * work queued, `track`'s closing line and `status`'s parked list count only the signed-in account's items (the
 * others are said to wait for their account). The uploader's first pass runs at its start, not an interval later,
 * and tries the account's parked items again.
 */
describe('the signed-in account’s queue', () => {
  let server: LiveServer;

  beforeAll(async () => {
    assertBuilt();
    server = await startLiveServer({ segmentSeconds: 60 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('the uploader drains what is queued at its start, before its first interval', async () => {
    const clock = new FakeClock({ wallMs: Date.now() });
    const agent = createAgentFixture(clock);
    try {
      const start = Math.floor((clock.now() - 3_600_000) / 60_000) * 60_000;
      await agent.record({ contractId: server.contractId, startMs: start, count: 2 });
      const uploader = agent.uploader(server.url, await server.token('freelancer'));
      uploader.start(60_000); // the fake clock never moves: only the pass at start can send anything
      await vi.waitFor(() => expect(agent.store.outbox.counts().pending).toEqual({ segment: 0, screenshot: 0 }), { timeout: 20_000, interval: 20 });
      await uploader.stop();
    } finally {
      agent.close();
    }
  });

  it("track's closing line and status's parked list leave out another account's items, which are said to wait for it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-queue-owner-'));
    try {
      const env = { ...process.env, WORKTRACE_DATA_DIR: dataDir, DISPLAY: '', WAYLAND_DISPLAY: '' };
      const url = checkServerUrl(server.url);
      const me = await server.session('freelancer');
      new CredentialsStore(dataDir).write({ server: url, email: me.email, userId: me.userId, role: 'freelancer', token: me.token, expiresAt: '2099-01-01T00:00:00.000Z' });

      // Another person's work on this machine: two segments of their contract, one of them parked by their last sync.
      const other: OutboxAccount = { server: url, userId: 'someone-else', email: 'bob@elsewhere.test' };
      const theirContract = ulid();
      const theirs = [ulid(), ulid()];
      const store = openStore({ file: databasePath(dataDir), clock: { now: () => Date.now() }, mode: 'server' });
      store.outbox.useAccount(other);
      const hour = Math.floor(Date.now() / 3_600_000) * 3600 - 7200;
      for (const [i, id] of theirs.entries()) {
        store.segments.openSegment({ id, contractId: theirContract, startedAt: hour + i * 600, lengthSeconds: 600, memo: null, policyVersion: 1 });
        store.segments.flushMinute(id, { startedAt: hour + i * 600, trackedMs: 60_000, keyboard: 1, mouse: 1, idle: false }, []);
      }
      store.outbox.park(store.outbox.next(Date.now(), Number.MAX_SAFE_INTEGER)!.seq, 'HTTP 422 INVALID_SEGMENT: refused', Date.now() + 3_600_000);

      // My own parked item: a screenshot the server refused (as if it said 403) whose segment it never got (the
      // segment's queue entry is marked sent here without an upload).
      store.outbox.useAccount({ server: url, userId: me.userId, email: me.email });
      const mySegment = ulid();
      const myShot = ulid();
      store.segments.openSegment({ id: mySegment, contractId: server.contractId, startedAt: hour + 1800, lengthSeconds: 60, memo: null, policyVersion: 1 });
      const key = await new FileKeyStore(dataDir).loadOrCreate();
      store.screenshots.insert({ id: myShot, segmentId: mySegment, takenAt: (hour + 1810) * 1000, width: 1, height: 1, bytes: 1, blurred: false, policyVersion: 1, data: encryptScreenshot(key, myShot, jpegLike(100)) });
      store.outbox.markSent(store.outbox.next(Date.now(), Number.MAX_SAFE_INTEGER)!);
      const shot = store.outbox.next(Date.now(), Number.MAX_SAFE_INTEGER)!;
      expect(shot.kind).toBe('screenshot');
      store.outbox.park(shot.seq, 'HTTP 403 FORBIDDEN: not yours', Date.now() + 3_600_000);
      store.close();

      const agent = startCli(['track', '--contract', server.contractId], env);
      await waitForOutput(agent, /Tracking contract/, 30_000);
      agent.child.kill('SIGINT');
      expect(await agent.exited).toBe(0);

      const after = openStore({ file: databasePath(dataDir), clock: { now: () => Date.now() }, mode: 'server' });
      const mine = after.outbox.queueOf({ server: url, userId: me.userId });
      after.close();
      const pending = (mine?.pendingSegments ?? 0) + (mine?.pendingScreenshots ?? 0);
      const closing = agent.stdout().match(/(\d+) segment\(s\) and (\d+) screenshot\(s\) wait to upload/);
      if (pending === 0) expect(closing).toBeNull();
      else expect(closing?.slice(1).map(Number)).toEqual([mine!.pendingSegments, mine!.pendingScreenshots]);
      expect(agent.stdout()).toContain(`1 item waits (and 1 parked) for bob@elsewhere.test on ${url}: sign in as them to send them.`);
      // Tried again at the start (not an hour later): the server's own answer now, and the closing line says it in words.
      expect(agent.stdout()).toContain(`1 item(s) parked: the server would not take them.\n  parked screenshot ${myShot}: the server does not have its segment yet.\n`);
      expect(agent.stdout()).toMatch(/What to do: It goes on its own once its segment is accepted\. Tried again on its own at .*; `worktrace sync --retry-parked` tries now\./);

      const status = await runCliAsync(['status', '--json'], env);
      expect(status.status).toBe(0);
      const report = JSON.parse(status.stdout) as { sync: { contracts: { contractId: string; parked: unknown[] }[]; waitingForOtherAccounts: unknown[] } };
      expect(report.sync.contracts.flatMap((c) => c.parked)).toEqual([
        {
          kind: 'screenshot',
          itemId: myShot,
          error: 'HTTP 404 SEGMENT_NOT_FOUND: upload the segment before its screenshot',
          reason: 'the server does not have its segment yet.',
          todo: 'It goes on its own once its segment is accepted.',
          parkedAt: expect.any(Number),
          retryAt: expect.any(Number),
        },
      ]);
      expect(report.sync.waitingForOtherAccounts).toEqual([{ account: other, pendingSegments: 1, pendingScreenshots: 0, parked: 1 }]);
      const text = await runCliAsync(['status'], env);
      expect(text.stdout).not.toMatch(/parked segment/);
      expect(text.stdout).toContain(`parked screenshot ${myShot}: the server does not have its segment yet.`);
      expect(text.stdout).toContain('    The server said: HTTP 404 SEGMENT_NOT_FOUND: upload the segment before its screenshot');
      expect(text.stdout).toContain(`1 item waits (and 1 parked) for bob@elsewhere.test on ${url}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
