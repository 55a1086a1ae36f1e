import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { purgeExpiredScreenshots } from '../../src/domain/purge.js';
import { createLogger } from '../../src/logger.js';
import { DiskScreenshotStorage } from '../../src/storage/disk.js';
import { testBackends } from '../support/backends.js';
import { activeContract, signedInAccount, type Account } from '../support/contracts.js';
import { filesContaining } from '../support/files.js';
import { holdCalls } from '../support/hold-calls.js';
import { segmentBody, startTestServer, uploadScreenshot, type TestServer } from '../support/server.js';

const at = (iso: string) => Date.parse(iso);

/**
 * Issue 14: the client deletes every screenshot of a day, a week or the contract in one idempotent call that
 * counts; the time stays billable, the images answer 410 and their bytes are gone from storage. A deletion cut
 * short between its two steps leaves every screenshot deleted or untouched, and a repeat (or the purge) finishes.
 */
describe.each(testBackends())('bulk screenshot deletion on $name', (backend) => {
  let server: TestServer;
  let client: Account;
  let freelancer: Account;
  let contractId: string;
  const shots: Array<{ id: string; day: string; bytes: Buffer }> = [];

  beforeAll(async () => {
    server = await startTestServer(backend);
    server.clock.setWall(at('2026-01-05T08:00:00Z')); // Monday 09:00 in Berlin
    client = await signedInAccount(server, 'client');
    freelancer = await signedInAccount(server, 'freelancer');
    contractId = await activeContract(server, client, freelancer); // Europe/Berlin
    // Two screenshots on Monday, two on Tuesday, one on the next Monday (Berlin dates).
    for (const [start, day] of [
      ['2026-01-05T09:00:00Z', '2026-01-05'],
      ['2026-01-05T09:10:00Z', '2026-01-05'],
      ['2026-01-05T23:10:00Z', '2026-01-06'], // 00:10 Tuesday in Berlin
      ['2026-01-06T10:00:00Z', '2026-01-06'],
      ['2026-01-12T10:00:00Z', '2026-01-12'],
    ] as const) {
      server.clock.setWall(at(start) + 20 * 60_000);
      const segment = segmentBody({ contractId, startedAt: at(start), minutes: 5, screenshot: { id: ulid(), takenAt: at(start) + 60_000 } });
      expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: freelancer.token, json: segment })).status).toBe(200);
      const sent = await uploadScreenshot(server, freelancer.token, { id: segment.screenshot!.id, segmentId: segment.id, capturedAt: at(start) + 60_000 });
      expect(sent.status, sent.text).toBe(200);
      shots.push({ id: sent.id, day, bytes: sent.bytes_sent });
    }
  });
  afterAll(async () => server?.close());

  const bulk = (who: Account, body: unknown) => server.request('POST', `/api/v1/contracts/${contractId}/screenshots/deletion`, { token: who.token, json: body });
  const image = (id: string) => server.request('GET', `/api/v1/screenshots/${id}`, { token: client.token });
  const billable = async (week: string) => (await server.request('GET', `/api/v1/contracts/${contractId}/weeks/${week}`, { token: client.token })).json.totals.billableSeconds;

  it("deletes one Berlin day's screenshots in one call, counts them, keeps the time billable, and leaves no bytes", async () => {
    const before = await billable('2026-01-05');
    expect(before).toBe(4 * 300);
    const refused = await bulk(freelancer, { scope: 'day', date: '2026-01-06' });
    expect([refused.status, refused.json.error.code]).toEqual([403, 'FORBIDDEN']);

    const answer = await bulk(client, { scope: 'day', date: '2026-01-06' });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual({ deleted: 2, alreadyDeleted: 0 });
    for (const shot of shots) {
      const gone = shot.day === '2026-01-06';
      expect((await image(shot.id)).status, shot.day).toBe(gone ? 410 : 200);
      expect(filesContaining(server.storageDir, shot.bytes).length, shot.day).toBe(gone ? 0 : 1);
    }
    expect(await billable('2026-01-05')).toBe(before);
    const diary = await server.request('GET', `/api/v1/contracts/${contractId}/diary?from=2026-01-04T23:00:00Z&to=2026-01-11T23:00:00Z`, { token: client.token });
    const removed = diary.json.segments.filter((s: { screenshotRemoved: { by: string } | null }) => s.screenshotRemoved?.by === 'client');
    expect(removed).toHaveLength(2);

    // Idempotent: the same call again deletes nothing more and says what is gone.
    expect((await bulk(client, { scope: 'day', date: '2026-01-06' })).json).toEqual({ deleted: 0, alreadyDeleted: 2 });
  });

  it('deletes a week, then the whole contract, counting only what each call deleted', async () => {
    expect((await bulk(client, { scope: 'week', date: '2026-01-08' })).json).toEqual({ deleted: 2, alreadyDeleted: 2 });
    expect((await bulk(client, { scope: 'contract' })).json).toEqual({ deleted: 1, alreadyDeleted: 4 });
    for (const shot of shots) expect(filesContaining(server.storageDir, shot.bytes)).toEqual([]);
    expect(await billable('2026-01-05')).toBe(4 * 300);
    expect(await billable('2026-01-12')).toBe(300);
  });

  it('answers a range that is not one with a coded 400, a stranger with 404', async () => {
    for (const body of [{ scope: 'day', date: '2026-02-30' }, { scope: 'day' }, { scope: 'month', date: '2026-01-05' }, { scope: 'contract', date: '2026-01-05' }, {}]) {
      const answer = await bulk(client, body);
      expect([answer.status, answer.json.error.code], JSON.stringify(body)).toEqual([400, 'VALIDATION_FAILED']);
    }
    const stranger = await signedInAccount(server, 'stranger');
    expect((await bulk(stranger, { scope: 'contract' })).status).toBe(404);
  });

  it('between its two steps (rows marked, bytes not yet removed) every screenshot is already deleted for readers; the call, the purge and a repeat finish alike', async () => {
    const start = at('2026-01-13T10:00:00Z');
    server.clock.setWall(start + 3_600_000);
    const kept: Array<{ id: string; bytes: Buffer }> = [];
    for (let i = 0; i < 3; i++) {
      const segment = segmentBody({ contractId, startedAt: start + i * 600_000, minutes: 2, screenshot: { id: ulid(), takenAt: start + i * 600_000 + 1000 } });
      expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: freelancer.token, json: segment })).status).toBe(200);
      const sent = await uploadScreenshot(server, freelancer.token, { id: segment.screenshot!.id, segmentId: segment.id, capturedAt: start + i * 600_000 + 1000 });
      kept.push({ id: sent.id, bytes: sent.bytes_sent });
    }
    // Hold the byte deletion: the call is now between its two steps, where a crash would leave it.
    const hold = holdCalls(server.repos.screenshots, 'listBytesToDelete');
    const call = bulk(client, { scope: 'day', date: '2026-01-13' });
    await hold.reached(1);
    for (const shot of kept) {
      expect((await image(shot.id)).status).toBe(410); // deleted for every reader already
      expect(filesContaining(server.storageDir, shot.bytes)).toHaveLength(1); // bytes still to go
    }
    // The purge, running meanwhile with the real storage, finishes step two on its own.
    const storage = new DiskScreenshotStorage(server.storageDir);
    hold.release();
    await purgeExpiredScreenshots({ repos: server.repos, storage, clock: server.clock, logger: createLogger({ level: 'silent' }) });
    expect((await call).json).toEqual({ deleted: 3, alreadyDeleted: 0 });
    for (const shot of kept) expect(filesContaining(server.storageDir, shot.bytes)).toEqual([]);
    expect((await bulk(client, { scope: 'day', date: '2026-01-13' })).json).toEqual({ deleted: 0, alreadyDeleted: 3 });
  });
});
