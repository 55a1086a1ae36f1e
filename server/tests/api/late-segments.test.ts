import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { activeContract, at, MIN, signedInAccount, startWeekServer, uploadWork, weekReview, type Account } from '../support/contracts.js';
import { segmentBody, type TestServer } from '../support/server.js';


/**
 * Issue 14, late segments: a segment of an approved week that reaches the server after the approval (an agent that
 * was offline) is kept, marked "arrived after approval" and shown apart; the approved totals do not change; the client
 * approves the late part separately, which deletes its screenshot when the contract deletes screenshots on approval.
 * A segment already approved that grows becomes a late part (late-growth.test.ts); shrinking it is refused (409
 * WEEK_APPROVED). Europe/Berlin.
 */
describe.each(testBackends())('late segments on $name', (backend) => {
  let server: TestServer;
  let client: Account;
  let freelancer: Account;

  beforeAll(async () => ({ server, client, freelancer } = await startWeekServer(backend)));
  afterAll(async () => server?.close());

  const week = (contractId: string, date: string) => weekReview(server, client, contractId, date);
  const approveLate = (who: Account, contractId: string, date: string) =>
    server.request('POST', `/api/v1/contracts/${contractId}/weeks/${date}/late-approval`, { token: who.token });
  const put = (segment: ReturnType<typeof segmentBody> & { revision?: number }) =>
    server.request('PUT', `/api/v1/segments/${segment.id}`, { token: freelancer.token, json: segment });
  const upload = (contractId: string, startedAt: number, minutes: number, options: { revision?: number; screenshot?: boolean } = {}) =>
    uploadWork(server, freelancer, contractId, startedAt, minutes, options);

  it('keeps a segment that arrives after the approval apart, and the client approves it separately', async () => {
    const contractId = await activeContract(server, client, freelancer, { deleteScreenshotsOnApproval: true });
    server.clock.setWall(at('2026-01-06T12:00:00Z'));
    await upload(contractId, at('2026-01-05T09:10:00Z'), 3, { screenshot: true });
    const partial = await upload(contractId, at('2026-01-06T11:00:00Z'), 2, { revision: 1 });

    server.clock.setWall(at('2026-01-12T09:00:00Z'));
    const approved = await server.request('POST', `/api/v1/contracts/${contractId}/weeks/2026-01-05/approval`, { token: client.token });
    expect(approved.status, approved.text).toBe(200);
    const record = approved.json.totals;
    expect(record).toEqual({ trackedSeconds: 300, billableSeconds: 300, idleSeconds: 0, removedSeconds: 0 });
    expect(approved.json.late).toEqual({ totals: { trackedSeconds: 0, billableSeconds: 0, idleSeconds: 0, removedSeconds: 0 }, segments: 0, approval: null, autoApprovesAt: null });
    const none = await approveLate(client, contractId, '2026-01-05');
    expect([none.status, none.json.error.code]).toEqual([409, 'NOTHING_TO_APPROVE']);

    // The agent that was offline sends Wednesday's work a day after the approval: kept, and shown apart.
    server.clock.setWall(at('2026-01-13T10:00:00Z'));
    const late = await upload(contractId, at('2026-01-07T15:00:00Z'), 4, { screenshot: true, revision: 1 });
    const review = await week(contractId, '2026-01-05');
    expect(review.totals).toEqual(record);
    expect(review.days[2].totals.trackedSeconds).toBe(0); // Wednesday's approved time: none
    // Approved by the server five days after it arrived, at midnight in Berlin, unless the client does first.
    expect(review.late).toEqual({
      totals: { trackedSeconds: 240, billableSeconds: 240, idleSeconds: 0, removedSeconds: 0 },
      segments: 1,
      approval: null,
      autoApprovesAt: '2026-01-18T23:00:00.000Z',
    });
    // Not approved yet, so not part of the record: the agent may still revise it, and its screenshot is not deleted.
    const grown = await put({ ...segmentBody({ contractId, startedAt: at('2026-01-07T15:00:00Z'), minutes: 5 }), id: late.body.id, revision: 2 });
    expect(grown.status, grown.text).toBe(200);
    expect((await server.request('GET', `/api/v1/screenshots/${late.screenshotId}`, { token: client.token })).status).toBe(200);
    const diary = await server.request('GET', `/api/v1/contracts/${contractId}/diary?from=${review.from}&to=${review.to}`, { token: freelancer.token });
    expect(diary.json.segments.map((s: { id: string; arrivedAfterApproval: boolean }) => [s.id, s.arrivedAfterApproval])).toEqual([
      [expect.any(String), false],
      [partial.body.id, false],
      [late.body.id, true],
    ]);

    // A segment already approved may not shrink: refused with its code, the record unchanged.
    const shrink = await put({ ...segmentBody({ contractId, startedAt: at('2026-01-06T11:00:00Z'), minutes: 1 }), id: partial.body.id, revision: 2 });
    expect([shrink.status, shrink.json.error.code]).toEqual([409, 'WEEK_APPROVED']);

    const byFreelancer = await approveLate(freelancer, contractId, '2026-01-05');
    expect([byFreelancer.status, byFreelancer.json.error.code]).toEqual([403, 'FORBIDDEN']);
    server.clock.setWall(at('2026-01-13T12:00:00Z'));
    const lateApproved = await approveLate(client, contractId, '2026-01-07');
    expect(lateApproved.status, lateApproved.text).toBe(200);
    expect(lateApproved.json.totals).toEqual(record);
    expect(lateApproved.json.late).toEqual({
      totals: { trackedSeconds: 300, billableSeconds: 300, idleSeconds: 0, removedSeconds: 0 },
      segments: 1,
      approval: { at: '2026-01-13T12:00:00.000Z', by: 'client' },
      autoApprovesAt: null,
    });
    // Approving the late part deleted its screenshot, as the week's approval deleted the others; the time stays billed.
    expect((await server.request('GET', `/api/v1/screenshots/${late.screenshotId}`, { token: client.token })).status).toBe(410);
    expect((await server.repos.screenshots.find(late.screenshotId!))).toMatchObject({ removedBy: 'approval', storageKey: null });
    expect(lateApproved.json.screenshots).toEqual({ stored: 0, deleteOnApproval: true, deletedAtLatest: '2026-01-12T09:00:00.000Z' });

    // Again: nothing changes. And the late segment, approved now, is locked like the rest.
    server.clock.advance(MIN);
    const again = await approveLate(client, contractId, '2026-01-05');
    expect([again.status, again.json.late]).toEqual([200, lateApproved.json.late]);
    const afterApproval = await put({ ...segmentBody({ contractId, startedAt: at('2026-01-07T15:00:00Z'), minutes: 4 }), id: late.body.id, revision: 3 });
    expect([afterApproval.status, afterApproval.json.error.code]).toEqual([409, 'WEEK_APPROVED']);
  });

  it("counts a segment late in a week the server's clock approved", async () => {
    server.clock.setWall(at('2026-02-02T09:00:00Z'));
    client = await signedInAccount(server, 'client');
    freelancer = await signedInAccount(server, 'freelancer');
    const contractId = await activeContract(server, client, freelancer, { autoApproveDays: 1 });
    server.clock.setWall(at('2026-02-03T10:30:00Z'));
    await upload(contractId, at('2026-02-03T10:00:00Z'), 3);
    server.clock.setWall(at('2026-02-10T08:00:00Z')); // approved by the clock at 2026-02-09T23:00Z; nobody asked
    await upload(contractId, at('2026-02-04T10:00:00Z'), 2);
    const review = await week(contractId, '2026-02-02');
    expect(review).toMatchObject({ state: 'approved', approval: { by: 'server' } });
    expect(review.totals.trackedSeconds).toBe(180);
    expect(review.late).toMatchObject({ segments: 1, totals: { trackedSeconds: 120 }, approval: null });
  });
});
