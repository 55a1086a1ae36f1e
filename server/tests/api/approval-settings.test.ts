import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { testBackends } from '../support/backends.js';
import { activeContract, at, contractBody, MIN, startWeekServer, weekReview, type Account } from '../support/contracts.js';
import { segmentBody, uploadScreenshot, type TestServer } from '../support/server.js';


/**
 * Issue 14, the contract's approval settings: how many days after its end a week approves itself (1-30, 5 unless
 * set) and whether approval deletes the week's screenshots (off unless set). The client sets them when making the
 * contract and changes them later; a change never un-approves a week the clock approved, because a week's date
 * comes from the setting in force at its end and what its approval does from the setting in force at the approval.
 * The contract runs in Europe/Berlin (one hour ahead of UTC in January): local midnight is 23:00 UTC.
 */
describe.each(testBackends())('approval settings on $name', (backend) => {
  let server: TestServer;
  let client: Account;
  let freelancer: Account;

  beforeAll(async () => ({ server, client, freelancer } = await startWeekServer(backend)));
  afterAll(async () => server?.close());

  const week = (contractId: string, date: string) => weekReview(server, client, contractId, date);
  const patch = (who: Account, contractId: string, json: unknown) => server.request('PATCH', `/api/v1/contracts/${contractId}`, { token: who.token, json });
  const terms = async (who: Account, contractId: string) =>
    (await server.request('GET', '/api/v1/contracts', { token: who.token })).json.contracts.find((c: { id: string }) => c.id === contractId).terms;

  it('defaults to five days and keeping screenshots, and takes both settings when the contract is made', async () => {
    const plain = await activeContract(server, client, freelancer);
    expect(await terms(freelancer, plain)).toMatchObject({ autoApproveDays: 5, deleteScreenshotsOnApproval: false });
    const set = await activeContract(server, client, freelancer, { autoApproveDays: 3, deleteScreenshotsOnApproval: true });
    expect(await terms(client, set)).toMatchObject({ autoApproveDays: 3, deleteScreenshotsOnApproval: true });
    // Thursday 2026-01-15 00:00 in Berlin: the end (Monday 12th, 00:00) plus three calendar days.
    expect((await week(set, '2026-01-05')).autoApprovesAt).toBe('2026-01-14T23:00:00.000Z');
  });

  it('refuses settings out of range with a coded 400, and lets only the client change them', async () => {
    const contractId = await activeContract(server, client, freelancer);
    for (const bad of [{ autoApproveDays: 0 }, { autoApproveDays: 31 }, { autoApproveDays: 2.5 }, { autoApproveDays: '5' }, { deleteScreenshotsOnApproval: 'yes' }]) {
      const answer = await patch(client, contractId, bad);
      expect([answer.status, answer.json.error.code], JSON.stringify(bad)).toEqual([400, 'VALIDATION_FAILED']);
      const made = await server.request('POST', '/api/v1/contracts', { token: client.token, json: contractBody('someone@test.example', bad) });
      expect([made.status, made.json.error.code], JSON.stringify(bad)).toEqual([400, 'VALIDATION_FAILED']);
    }
    const byFreelancer = await patch(freelancer, contractId, { deleteScreenshotsOnApproval: true });
    expect([byFreelancer.status, byFreelancer.json.error.code]).toEqual([403, 'FORBIDDEN']);
    expect(await terms(client, contractId)).toMatchObject({ autoApproveDays: 5, deleteScreenshotsOnApproval: false });
    const changed = await patch(client, contractId, { autoApproveDays: 30, deleteScreenshotsOnApproval: true });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.terms).toMatchObject({ autoApproveDays: 30, deleteScreenshotsOnApproval: true });
  });

  it("dates a week by the setting in force at its end: a change moves a running week's date, never an ended week's, and never un-approves one", async () => {
    server.clock.setWall(at('2026-01-05T09:00:00Z'));
    const contractId = await activeContract(server, client, freelancer, { deleteScreenshotsOnApproval: true });
    server.clock.setWall(at('2026-01-07T10:00:00Z')); // Wednesday: the week runs
    expect((await patch(client, contractId, { autoApproveDays: 10 })).status).toBe(200);
    // Thursday 2026-01-22 00:00 in Berlin: the end plus ten days.
    expect((await week(contractId, '2026-01-05')).autoApprovesAt).toBe('2026-01-21T23:00:00.000Z');

    server.clock.setWall(at('2026-01-13T10:00:00Z')); // the week ended under ten days: its date stays
    expect((await patch(client, contractId, { autoApproveDays: 2 })).status).toBe(200);
    expect((await week(contractId, '2026-01-05')).autoApprovesAt).toBe('2026-01-21T23:00:00.000Z');
    // The running week ends under two days: Wednesday 2026-01-21 00:00 in Berlin.
    expect((await week(contractId, '2026-01-12')).autoApprovesAt).toBe('2026-01-20T23:00:00.000Z');

    // Both weeks pass their dates with nobody reading them; then the client raises the setting to thirty days.
    server.clock.setWall(at('2026-01-23T08:00:00Z'));
    expect((await patch(client, contractId, { autoApproveDays: 30, deleteScreenshotsOnApproval: false })).status).toBe(200);
    const first = await week(contractId, '2026-01-05');
    expect(first).toMatchObject({ state: 'approved', approval: { at: '2026-01-21T23:00:00.000Z', by: 'server' } });
    // What the approval did is the setting in force at it: deletion was on then.
    expect(first.screenshots).toEqual({ stored: 0, deleteOnApproval: true, deletedAtLatest: '2026-01-21T23:00:00.000Z' });
    expect(await week(contractId, '2026-01-12')).toMatchObject({ state: 'approved', approval: { at: '2026-01-20T23:00:00.000Z', by: 'server' } });
    // The week running now takes thirty days and keeps its screenshots.
    const running = await week(contractId, '2026-01-19');
    expect(running).toMatchObject({ state: 'open', autoApprovesAt: '2026-02-24T23:00:00.000Z', approval: null });
    expect(running.screenshots).toEqual({ stored: 0, deleteOnApproval: false, deletedAtLatest: null });
  });

  it("says on the week, in advance, how many screenshots approval deletes and by when at the latest", async () => {
    server.clock.setWall(at('2026-02-02T09:00:00Z')); // Monday
    const contractId = await activeContract(server, client, freelancer);
    const shots: string[] = [];
    for (const start of [at('2026-02-02T09:10:00Z'), at('2026-02-03T11:00:00Z')]) {
      server.clock.setWall(start + 20 * MIN);
      const shot = { id: ulid(), takenAt: start + MIN };
      const body = segmentBody({ contractId, startedAt: start, minutes: 3, screenshot: shot });
      expect((await server.request('PUT', `/api/v1/segments/${body.id}`, { token: freelancer.token, json: body })).status).toBe(200);
      expect((await uploadScreenshot(server, freelancer.token, { id: shot.id, segmentId: body.id, capturedAt: shot.takenAt })).status).toBe(200);
      shots.push(shot.id);
    }
    expect((await week(contractId, '2026-02-02')).screenshots).toEqual({ stored: 2, deleteOnApproval: false, deletedAtLatest: null });
    expect((await patch(client, contractId, { deleteScreenshotsOnApproval: true })).status).toBe(200);
    // Saturday 2026-02-14 00:00 in Berlin: the latest the server approves the week, and so deletes its screenshots.
    expect((await week(contractId, '2026-02-05')).screenshots).toEqual({ stored: 2, deleteOnApproval: true, deletedAtLatest: '2026-02-13T23:00:00.000Z' });
    // One deleted by the client already is no longer counted.
    expect((await server.request('DELETE', `/api/v1/screenshots/${shots[0]}`, { token: client.token })).status).toBe(200);
    expect((await week(contractId, '2026-02-02')).screenshots.stored).toBe(1);
  });
});
