import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { testBackends } from '../support/backends.js';
import { activeContract, approvalUpkeep, at, MIN, signedInAccount, startWeekServer, weekReview, type Account } from '../support/contracts.js';
import { segmentBody, uploadScreenshot, type TestServer } from '../support/server.js';

const HOUR = 60 * MIN;

/**
 * Issue 14, screenshots deleted on approval: with the contract's setting on, once a week is approved (by the client,
 * or by the server's clock) every screenshot of it is deleted for good as a client-side deletion: the time stays
 * billed, the diary keeps placeholders "removed on approval", the sealed objects leave the store, and the images
 * answer 410 from the approval moment on, before the upkeep that removes them has run. Europe/Berlin contracts.
 */
describe.each(testBackends())('deletion on approval on $name', (backend) => {
  let server: TestServer;
  let client: Account;
  let freelancer: Account;

  const signIn = async () => {
    client = await signedInAccount(server, 'client');
    freelancer = await signedInAccount(server, 'freelancer');
  };
  beforeAll(async () => ({ server, client, freelancer } = await startWeekServer(backend)));
  afterAll(async () => server?.close());

  const week = (contractId: string, date: string) => weekReview(server, client, contractId, date);
  const upkeep = () => approvalUpkeep(server);
  const image = (who: Account, id: string) => server.request('GET', `/api/v1/screenshots/${id}`, { token: who.token });
  const diary = async (contractId: string, from: string, to: string) =>
    (await server.request('GET', `/api/v1/contracts/${contractId}/diary?from=${from}&to=${to}`, { token: client.token })).json;

  /** Segments of three minutes with a screenshot each, uploaded as they end; the screenshots' ids and sealed objects. */
  async function workWithScreenshots(contractId: string, starts: readonly number[]) {
    const shots: { id: string; object: string }[] = [];
    for (const start of starts) {
      server.clock.setWall(start + 20 * MIN);
      const shot = { id: ulid(), takenAt: start + MIN };
      const body = segmentBody({ contractId, startedAt: start, minutes: 3, screenshot: shot });
      expect((await server.request('PUT', `/api/v1/segments/${body.id}`, { token: freelancer.token, json: body })).status).toBe(200);
      expect((await uploadScreenshot(server, freelancer.token, { id: shot.id, segmentId: body.id, capturedAt: shot.takenAt })).status).toBe(200);
      shots.push({ id: shot.id, object: (await server.repos.screenshots.find(shot.id))!.storageKey! });
    }
    expect(await server.storedObjects()).toEqual(expect.arrayContaining(shots.map((s) => s.object)));
    return shots;
  }

  it("deletes every screenshot of the week the client approves, keeps the time billed, and says so in the diary", async () => {
    const contractId = await activeContract(server, client, freelancer, { deleteScreenshotsOnApproval: true });
    const kept = await activeContract(server, client, freelancer); // the setting off: approval keeps them
    const shots = await workWithScreenshots(contractId, [at('2026-01-05T09:10:00Z'), at('2026-01-06T12:00:00Z')]);
    const [keptShot] = await workWithScreenshots(kept, [at('2026-01-07T10:00:00Z')]);
    // The next week's screenshot is not the approved week's: it stays.
    const [nextWeek] = await workWithScreenshots(contractId, [at('2026-01-12T08:00:00Z')]);

    server.clock.setWall(at('2026-01-12T09:00:00Z'));
    const before = await week(contractId, '2026-01-05');
    expect(before.screenshots).toEqual({ stored: 2, deleteOnApproval: true, deletedAtLatest: '2026-01-16T23:00:00.000Z' });
    const approved = await server.request('POST', `/api/v1/contracts/${contractId}/weeks/2026-01-05/approval`, { token: client.token });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ state: 'approved', approval: { at: '2026-01-12T09:00:00.000Z', by: 'client' } });
    expect(approved.json.screenshots).toEqual({ stored: 0, deleteOnApproval: true, deletedAtLatest: '2026-01-12T09:00:00.000Z' });
    expect(approved.json.totals).toEqual(before.totals);
    expect(approved.json.totals.billableSeconds).toBe(360);

    for (const shot of shots) {
      for (const who of [client, freelancer]) expect((await image(who, shot.id)).status).toBe(410);
    }
    const objects = await server.storedObjects();
    for (const shot of shots) expect(objects).not.toContain(shot.object);
    expect(objects).toEqual(expect.arrayContaining([keptShot!.object, nextWeek!.object]));

    const read = await diary(contractId, before.from, before.to);
    expect(read.totals).toEqual({ trackedSeconds: 360, billableSeconds: 360 });
    expect(read.segments.map((s: { billable: boolean; screenshot: unknown; screenshotRemoved: { by: string; at: string } }) => [s.billable, s.screenshot, s.screenshotRemoved])).toEqual([
      [true, null, { by: 'approval', at: '2026-01-12T09:00:00.000Z' }],
      [true, null, { by: 'approval', at: '2026-01-12T09:00:00.000Z' }],
    ]);
    // The freelancer's agent learns of them and drops its copies.
    const feed = await server.request('GET', `/api/v1/contracts/${contractId}/screenshots/removed?from=${before.from}&to=${before.to}`, { token: freelancer.token });
    expect(feed.json.removed.map((r: { id: string; removed: { by: string } }) => [r.id, r.removed.by])).toEqual(shots.map((s) => [s.id, 'approval']));

    // Approving again changes nothing; the other contract's approval keeps its screenshot.
    server.clock.advance(MIN);
    const again = await server.request('POST', `/api/v1/contracts/${contractId}/weeks/2026-01-05/approval`, { token: client.token });
    expect([again.status, again.json.approval, again.json.screenshots]).toEqual([200, approved.json.approval, approved.json.screenshots]);
    const keptApproval = await server.request('POST', `/api/v1/contracts/${kept}/weeks/2026-01-05/approval`, { token: client.token });
    expect(keptApproval.json.screenshots).toEqual({ stored: 1, deleteOnApproval: false, deletedAtLatest: null });
    expect((await image(client, keptShot!.id)).status).toBe(200);
    expect((await image(client, nextWeek!.id)).status).toBe(200);
  });

  it("deletes them when the server's clock approves the week: 410 from that moment, gone from the store at the upkeep", async () => {
    server.clock.setWall(at('2026-02-02T09:00:00Z')); // Monday
    await signIn(); // a month on: new sign-ins
    const contractId = await activeContract(server, client, freelancer, { deleteScreenshotsOnApproval: true, autoApproveDays: 1 });
    const shots = await workWithScreenshots(contractId, [at('2026-02-03T10:00:00Z'), at('2026-02-08T20:00:00Z')]);
    // Tuesday 2026-02-10 00:00 in Berlin: the end (Monday 9th, 00:00) plus one day.
    server.clock.setWall(at('2026-02-09T22:59:00Z'));
    const waiting = await week(contractId, '2026-02-02');
    expect(waiting).toMatchObject({ state: 'in_review', autoApprovesAt: '2026-02-09T23:00:00.000Z' });
    expect(waiting.screenshots).toEqual({ stored: 2, deleteOnApproval: true, deletedAtLatest: '2026-02-09T23:00:00.000Z' });
    expect((await image(client, shots[0]!.id)).status).toBe(200);

    // A second past the moment, nobody having run anything: approved, and not one image is served.
    server.clock.setWall(at('2026-02-09T23:00:01Z'));
    for (const shot of shots) expect((await image(client, shot.id)).status).toBe(410);
    expect(await server.storedObjects()).toEqual(expect.arrayContaining(shots.map((s) => s.object))); // the upkeep has not run

    // The server's schedule (hourly, with the purge) removes them without anyone reading the week.
    server.clock.advance(HOUR);
    await expect.poll(async () => (await server.storedObjects()).filter((o) => shots.some((s) => s.object === o)), { timeout: 10_000 }).toEqual([]);
    await expect.poll(async () => (await server.repos.screenshots.find(shots[1]!.id))?.removedBy, { timeout: 10_000 }).toBe('approval');
    const after = await week(contractId, '2026-02-02');
    expect(after).toMatchObject({ state: 'approved', approval: { at: '2026-02-09T23:00:00.000Z', by: 'server' } });
    expect(after.screenshots).toEqual({ stored: 0, deleteOnApproval: true, deletedAtLatest: '2026-02-09T23:00:00.000Z' });
    expect(after.totals).toEqual({ trackedSeconds: 360, billableSeconds: 360, idleSeconds: 0, removedSeconds: 0 });
    const read = await diary(contractId, after.from, after.to);
    expect(read.segments.map((s: { screenshotRemoved: { by: string } }) => s.screenshotRemoved.by)).toEqual(['approval', 'approval']);

    // The server's approval is now on record; a repeat run finds nothing more to do.
    expect(await server.repos.weekApprovals.find(contractId, '2026-02-02')).toMatchObject({ approvedAt: at('2026-02-09T23:00:00Z'), approvedBy: null });
    expect([0, undefined]).toContain(await upkeep()); // undefined: the server's own run held the PostgreSQL lock
  });

  it('keeps the screenshots of a week approved while the setting was off, even once it is turned on', async () => {
    server.clock.setWall(at('2026-03-02T09:00:00Z'));
    await signIn(); // a month on: new sign-ins
    const contractId = await activeContract(server, client, freelancer, { autoApproveDays: 1 });
    const [shot] = await workWithScreenshots(contractId, [at('2026-03-03T10:00:00Z')]);
    server.clock.setWall(at('2026-03-11T12:00:00Z')); // approved by the clock on 2026-03-09T23:00Z, setting off
    expect((await server.request('PATCH', `/api/v1/contracts/${contractId}`, { token: client.token, json: { deleteScreenshotsOnApproval: true } })).status).toBe(200);
    expect(await upkeep()).toBe(0); // (setWall fires no timer: the server's own run is not in the way)
    expect((await image(client, shot!.id)).status).toBe(200);
    expect((await week(contractId, '2026-03-02')).screenshots).toEqual({ stored: 1, deleteOnApproval: false, deletedAtLatest: null });
    expect(await server.storedObjects()).toContain(shot!.object);
  });
  it("keeps a disputed segment's screenshot (the dispute's evidence) through the approval, and deletes it once the dispute is withdrawn", async () => {
    server.clock.setWall(at('2026-04-06T09:00:00Z'));
    await signIn();
    const contractId = await activeContract(server, client, freelancer, { deleteScreenshotsOnApproval: true });
    const [plain, disputed] = await workWithScreenshots(contractId, [at('2026-04-06T10:00:00Z'), at('2026-04-07T10:00:00Z')]);
    const segmentId = (await server.repos.screenshots.find(disputed!.id))!.segmentId;
    const dispute = await server.request('PUT', `/api/v1/contracts/${contractId}/segments/${segmentId}/dispute`, { token: client.token, json: { note: 'Not agreed.' } });
    expect(dispute.status, dispute.text).toBe(200);

    server.clock.setWall(at('2026-04-13T09:00:00Z'));
    const approved = await server.request('POST', `/api/v1/contracts/${contractId}/weeks/2026-04-06/approval`, { token: client.token });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json.screenshots.stored).toBe(1); // the disputed one
    expect((await image(client, plain!.id)).status).toBe(410);
    expect((await image(client, disputed!.id)).status).toBe(200);
    expect((await image(freelancer, disputed!.id)).status).toBe(200);
    expect(await upkeep()).toBe(0);
    expect(await server.storedObjects()).toContain(disputed!.object);

    // Withdrawn after the approval: the segment joins the approval, and its screenshot goes as the others did.
    expect((await server.request('DELETE', `/api/v1/contracts/${contractId}/segments/${segmentId}/dispute`, { token: client.token })).status).toBe(204);
    expect((await image(client, disputed!.id)).status).toBe(410); // at once, before the upkeep ran
    expect(await upkeep()).toBe(1);
    expect(await server.storedObjects()).not.toContain(disputed!.object);
    expect((await server.repos.screenshots.find(disputed!.id))?.removedBy).toBe('approval');
    expect((await week(contractId, '2026-04-06')).totals.billableSeconds).toBe(360);
  });
});
