import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { purgeExpiredScreenshots } from '../../src/domain/purge.js';
import { createLogger } from '../../src/logger.js';
import { ScreenshotObjects } from '../../src/domain/screenshot-objects.js';
import { testBackends } from '../support/backends.js';
import { activeContract, signedInAccount, type Account } from '../support/contracts.js';
import { holdCalls } from '../support/hold-calls.js';
import { segmentBody, startTestServer, uploadScreenshot, type TestServer } from '../support/server.js';

const at = (iso: string) => Date.parse(iso);

/**
 * Issue 14: the client deletes every screenshot of a day, a week or the contract in one idempotent call that
 * counts; the time stays billable, the images answer 410, their keys are destroyed and their sealed objects leave the store. A deletion cut
 * short between its two steps leaves every screenshot deleted or untouched, and a repeat (or the purge) finishes.
 */
describe.each(testBackends())('bulk screenshot deletion on $name', (backend) => {
  let server: TestServer;
  let client: Account;
  let freelancer: Account;
  let contractId: string;
  const shots: Array<{ id: string; day: string; storageKey: string }> = [];

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
      shots.push({ id: sent.id, day, storageKey: await storageKeyOf(sent.id) });
    }
  });
  afterAll(async () => server?.close());

  async function storageKeyOf(id: string): Promise<string> {
    const key = (await server.repos.screenshots.find(id))?.storageKey;
    if (!key) throw new Error(`screenshot ${id} is not stored`);
    return key;
  }
  const bulk = (who: Account, body: unknown) => server.request('POST', `/api/v1/contracts/${contractId}/screenshots/deletion`, { token: who.token, json: body });
  const image = (id: string) => server.request('GET', `/api/v1/screenshots/${id}`, { token: client.token });
  const billable = async (week: string) => (await server.request('GET', `/api/v1/contracts/${contractId}/weeks/${week}`, { token: client.token })).json.totals.billableSeconds;

  it("deletes one Berlin day's screenshots in one call, counts them, keeps the time billable, and leaves no object in the store", async () => {
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
      expect((await server.storedObjects()).includes(shot.storageKey), shot.day).toBe(!gone);
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
    expect(await server.storedObjects()).toEqual([]);
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

  it('between its two steps (keys destroyed, objects not yet deleted) every screenshot is already deleted for readers; the call, the purge and a repeat finish alike', async () => {
    const start = at('2026-01-13T10:00:00Z');
    server.clock.setWall(start + 3_600_000);
    const kept: Array<{ id: string; storageKey: string }> = [];
    for (let i = 0; i < 3; i++) {
      const segment = segmentBody({ contractId, startedAt: start + i * 600_000, minutes: 2, screenshot: { id: ulid(), takenAt: start + i * 600_000 + 1000 } });
      expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: freelancer.token, json: segment })).status).toBe(200);
      const sent = await uploadScreenshot(server, freelancer.token, { id: segment.screenshot!.id, segmentId: segment.id, capturedAt: start + i * 600_000 + 1000 });
      kept.push({ id: sent.id, storageKey: await storageKeyOf(sent.id) });
    }
    // Hold the objects' deletion: the call is now between its two steps, where a crash would leave it.
    const hold = holdCalls(server.repos.screenshots, 'queuedDeletions');
    const call = bulk(client, { scope: 'day', date: '2026-01-13' });
    await hold.reached(1);
    for (const shot of kept) {
      expect((await image(shot.id)).status).toBe(410); // deleted for every reader already
      expect(await server.storedObjects()).toContain(shot.storageKey); // its object still to go, its key gone already
      expect((await server.repos.screenshots.find(shot.id))?.wrappedKey).toBeNull();
    }
    // The purge, running meanwhile over the same store, finishes step two on its own.
    const objects = new ScreenshotObjects(server.storage, server.keys);
    hold.release();
    await purgeExpiredScreenshots({ repos: server.repos, objects, clock: server.clock, logger: createLogger({ level: 'silent' }) });
    expect((await call).json).toEqual({ deleted: 3, alreadyDeleted: 0 });
    expect(await server.storedObjects()).toEqual([]);
    expect((await bulk(client, { scope: 'day', date: '2026-01-13' })).json).toEqual({ deleted: 0, alreadyDeleted: 3 });
  });
});
