import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { testBackends } from '../support/backends.js';
import { activeContract, approvalUpkeep, at, MIN, signedInAccount, startWeekServer, weekReview, type Account } from '../support/contracts.js';
import { segmentBody, uploadScreenshot, type TestServer } from '../support/server.js';


/**
 * Late time (late segments and late parts) is approved by the server's clock `autoApproveDays` after it arrived, at
 * local midnight in the contract's zone, with the setting in force at its arrival, as a week is after its end; the week
 * says the date in advance (`late.autoApprovesAt`), and deletion on approval applies to it as to the week, from that
 * moment (410) and at the upkeep (the object leaves the store). An open dispute holds it back. Europe/Berlin.
 */
describe.each(testBackends())('late time approved by the server on $name', (backend) => {
  let server: TestServer;
  let client: Account;
  let freelancer: Account;

  beforeAll(async () => ({ server, client, freelancer } = await startWeekServer(backend)));
  afterAll(async () => server?.close());

  const upkeep = () => approvalUpkeep(server);
  const late = async (contractId: string, monday: string) => {
    const review = await weekReview(server, client, contractId, monday);
    return { record: review.totals, ...review.late };
  };
  const put = async (body: ReturnType<typeof segmentBody> & { revision: number }) => {
    const answer = await server.request('PUT', `/api/v1/segments/${body.id}`, { token: freelancer.token, json: body });
    expect(answer.status, answer.text).toBe(200);
  };
  const image = (id: string) => server.request('GET', `/api/v1/screenshots/${id}`, { token: client.token });
  /** A contract whose week of 2026-01-05 holds two minutes of Tuesday 12:00 (Berlin) and was approved by the client. */
  async function approvedWeek(overrides: Record<string, unknown>) {
    server.clock.setWall(at('2026-01-05T09:00:00Z'));
    freelancer = await signedInAccount(server, 'freelancer'); // each contract its own: a minute is billed once per freelancer
    const contractId = await activeContract(server, client, freelancer, overrides);
    server.clock.setWall(at('2026-01-06T12:00:00Z'));
    const tuesday = { ...segmentBody({ contractId, startedAt: at('2026-01-06T11:00:00Z'), minutes: 2 }), revision: 1 };
    await put(tuesday);
    server.clock.setWall(at('2026-01-12T09:00:00Z'));
    expect((await server.request('POST', `/api/v1/contracts/${contractId}/weeks/2026-01-05/approval`, { token: client.token })).status).toBe(200);
    return { contractId, segmentId: tuesday.id, grow: (minutes: number, revision: number) => put({ ...segmentBody({ contractId, startedAt: at('2026-01-06T11:00:00Z'), minutes }), id: tuesday.id, revision }) };
  }

  it('approves each late arrival autoApproveDays after it came, by the setting in force then, shown in advance; its screenshot goes then', async () => {
    const { contractId, segmentId, grow } = await approvedWeek({ deleteScreenshotsOnApproval: true });
    const record = { trackedSeconds: 120, billableSeconds: 120, idleSeconds: 0, removedSeconds: 0 };

    // Tuesday 13 January, 11:00 in Berlin: Wednesday's segment arrives, with its screenshot.
    server.clock.setWall(at('2026-01-13T10:00:00Z'));
    const shot = { id: ulid(), takenAt: at('2026-01-07T15:01:00Z') };
    const wednesday = { ...segmentBody({ contractId, startedAt: at('2026-01-07T15:00:00Z'), minutes: 3, screenshot: shot }), revision: 1 };
    await put(wednesday);
    expect((await uploadScreenshot(server, freelancer.token, { id: shot.id, segmentId: wednesday.id, capturedAt: shot.takenAt })).status).toBe(200);
    const object = (await server.repos.screenshots.find(shot.id))!.storageKey!;
    server.clock.advance(MIN);
    // The client shortens the delay afterwards: the date of what arrived before stays (the end of the 13th, plus five days).
    expect((await server.request('PATCH', `/api/v1/contracts/${contractId}`, { token: client.token, json: { autoApproveDays: 2 } })).status).toBe(200);
    expect(await late(contractId, '2026-01-05')).toMatchObject({ record, segments: 1, approval: null, autoApprovesAt: '2026-01-18T23:00:00.000Z' });

    // The next day Tuesday's segment grows: its late part comes under the new setting, two days after the 14th.
    server.clock.setWall(at('2026-01-14T10:00:00Z'));
    await grow(4, 2);
    expect(await late(contractId, '2026-01-05')).toMatchObject({ segments: 2, autoApprovesAt: '2026-01-16T23:00:00.000Z' });

    // Saturday 17 January, 00:00 in Berlin: the server approved that part, so a further growth is a part of its own.
    server.clock.setWall(at('2026-01-16T23:00:00Z'));
    expect(await late(contractId, '2026-01-05')).toMatchObject({ segments: 2, approval: null, autoApprovesAt: '2026-01-18T23:00:00.000Z' });
    await grow(5, 3);
    expect((await server.repos.segments.lateParts(segmentId)).map((p) => p.trackedSeconds)).toEqual([120, 60]);
    expect(await late(contractId, '2026-01-05')).toMatchObject({ segments: 3, record, autoApprovesAt: '2026-01-18T23:00:00.000Z' });

    // The late segment's own date: its screenshot answers 410 at once, and the upkeep removes it from the store.
    server.clock.setWall(at('2026-01-18T22:59:00Z'));
    expect((await image(shot.id)).status).toBe(200);
    server.clock.setWall(at('2026-01-18T23:00:00Z'));
    expect((await image(shot.id)).status).toBe(410);
    expect(await server.storedObjects()).toContain(object);
    expect([1, undefined]).toContain(await upkeep()); // undefined: the server's own run held the PostgreSQL lock
    expect(await server.storedObjects()).not.toContain(object);
    expect(await server.repos.screenshots.find(shot.id)).toMatchObject({ removedBy: 'approval', storageKey: null });
    expect(await server.repos.segments.find(wednesday.id)).toMatchObject({ lateApprovedAt: at('2026-01-18T23:00:00Z'), lateApprovedBy: null });
    // The third part arrived on the 17th in Berlin: approved at the end of the 19th.
    expect(await late(contractId, '2026-01-05')).toMatchObject({ approval: null, autoApprovesAt: '2026-01-19T23:00:00.000Z' });

    server.clock.setWall(at('2026-01-19T23:00:00Z'));
    const done = await late(contractId, '2026-01-05');
    expect(done).toMatchObject({ record, segments: 3, approval: { at: '2026-01-19T23:00:00.000Z', by: 'server' }, autoApprovesAt: null });
    expect(done.totals).toEqual({ trackedSeconds: 180 + 180, billableSeconds: 360, idleSeconds: 0, removedSeconds: 0 });
    // The client approving afterwards changes nothing: the server's approvals stand.
    server.clock.advance(MIN);
    const after = await server.request('POST', `/api/v1/contracts/${contractId}/weeks/2026-01-05/late-approval`, { token: client.token });
    expect([after.status, after.json.late.approval]).toEqual([200, { at: '2026-01-19T23:00:00.000Z', by: 'server' }]);
  });

  it('holds the automatic approval back while the client disputes the late time, and gives it at the withdrawal', async () => {
    const { contractId, grow } = await approvedWeek({});
    server.clock.setWall(at('2026-01-13T10:00:00Z'));
    await grow(4, 2);
    const [part] = await server.repos.segments.lateRows(contractId, at('2026-01-04T23:00:00Z'), at('2026-01-11T23:00:00Z'));
    const dispute = await server.request('PUT', `/api/v1/contracts/${contractId}/segments/${part!.id}/dispute`, { token: client.token, json: { note: 'which task?' } });
    expect(dispute.status, dispute.text).toBe(200);
    expect(await late(contractId, '2026-01-05')).toMatchObject({ approval: null, autoApprovesAt: null });

    server.clock.setWall(at('2026-01-20T09:00:00Z')); // past its date (the 18th, 23:00 UTC)
    expect(await late(contractId, '2026-01-05')).toMatchObject({ approval: null, autoApprovesAt: null });
    // Still waiting, so still the client's to dispute: the note can change.
    expect((await server.request('PUT', `/api/v1/contracts/${contractId}/segments/${part!.id}/dispute`, { token: client.token, json: { note: 'which one?' } })).status).toBe(200);
    expect((await server.request('DELETE', `/api/v1/contracts/${contractId}/segments/${part!.id}/dispute`, { token: client.token })).status).toBe(204);
    expect(await late(contractId, '2026-01-05')).toMatchObject({ approval: { at: '2026-01-18T23:00:00.000Z', by: 'server' }, autoApprovesAt: null });
  });
});
