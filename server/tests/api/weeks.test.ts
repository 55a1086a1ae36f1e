import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { activeContract, at, MIN, signedInAccount, startWeekServer, uploadWork, type Account } from '../support/contracts.js';
import type { TestServer } from '../support/server.js';


/**
 * Issue 14, the weekly review: weeks run Monday to Sunday in the contract's time zone (Europe/Berlin here,
 * one hour ahead of UTC in January), with per-day and total tracked, billable, idle and removed time from
 * the one totals rule the diary uses; open while running, then in review, then approved by the client or by
 * the server's (fake) clock the set number of days after the end; an approved week is locked.
 */
describe.each(testBackends())('the weekly review on $name', (backend) => {
  let server: TestServer;
  let client: Account;
  let freelancer: Account;

  beforeAll(async () => ({ server, client, freelancer } = await startWeekServer(backend)));
  afterAll(async () => server?.close());

  const week = (who: Account, contractId: string, date: string) => server.request('GET', `/api/v1/contracts/${contractId}/weeks/${date}`, { token: who.token });
  const approve = (who: Account, contractId: string, date: string) => server.request('POST', `/api/v1/contracts/${contractId}/weeks/${date}/approval`, { token: who.token });
  const upload = (contractId: string, startedAt: number, minutes: number, extra: { revision?: number; screenshot?: boolean } = {}) =>
    uploadWork(server, freelancer, contractId, startedAt, minutes, extra);

  let contractId: string;
  let monday: Awaited<ReturnType<typeof upload>>;

  it("cuts the week at the contract's midnights, sums each day by the diary's rule, and says when it approves itself", async () => {
    contractId = await activeContract(server, client, freelancer); // Europe/Berlin, auto-approval 5 days after the end
    const running = await week(client, contractId, '2026-01-07');
    expect(running.status, running.text).toBe(200);
    expect(running.json).toMatchObject({
      week: '2026-01-05',
      timeZone: 'Europe/Berlin',
      from: '2026-01-04T23:00:00.000Z',
      to: '2026-01-11T23:00:00.000Z',
      state: 'open',
      // Saturday 2026-01-17 00:00 in Berlin: the end plus five calendar days.
      autoApprovesAt: '2026-01-16T23:00:00.000Z',
      approval: null,
    });

    server.clock.setWall(at('2026-01-05T09:30:00Z'));
    monday = await upload(contractId, at('2026-01-05T09:10:00Z'), 3, { screenshot: true });
    server.clock.setWall(at('2026-01-06T12:30:00Z'));
    const tuesday = await upload(contractId, at('2026-01-06T12:00:00Z'), 5, { screenshot: true });
    // The freelancer deletes Tuesday's screenshot: its time is "removed" (no longer billable).
    expect((await server.request('DELETE', `/api/v1/screenshots/${tuesday.screenshotId}`, { token: freelancer.token })).status).toBe(200);
    // Sunday 23:30 UTC is Monday 00:30 in Berlin: the next week's, not this one's.
    server.clock.setWall(at('2026-01-11T23:45:00Z'));
    await upload(contractId, at('2026-01-11T23:30:00Z'), 2);

    server.clock.setWall(at('2026-01-12T08:00:00Z'));
    const ended = await week(freelancer, contractId, '2026-01-11');
    expect(ended.status, ended.text).toBe(200);
    expect(ended.json.state).toBe('in_review');
    expect(ended.json.days.map((d: { date: string }) => d.date)).toEqual(['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11']);
    expect(ended.json.days[0].totals).toEqual({ trackedSeconds: 180, billableSeconds: 180, idleSeconds: 0, removedSeconds: 0 });
    expect(ended.json.days[1].totals).toEqual({ trackedSeconds: 300, billableSeconds: 0, idleSeconds: 0, removedSeconds: 300 });
    expect(ended.json.days[6].totals).toEqual({ trackedSeconds: 0, billableSeconds: 0, idleSeconds: 0, removedSeconds: 0 });
    expect(ended.json.totals).toEqual({ trackedSeconds: 480, billableSeconds: 180, idleSeconds: 0, removedSeconds: 300 });
    expect((await week(client, contractId, '2026-01-12')).json.days[0].totals.trackedSeconds).toBe(120);

    // The diary over the same window says the same: one rule.
    const diary = await server.request('GET', `/api/v1/contracts/${contractId}/diary?from=${ended.json.from}&to=${ended.json.to}`, { token: client.token });
    expect(diary.json.totals).toEqual({ trackedSeconds: 480, billableSeconds: 180 });
  });

  it('lets only the client approve, and only a week that has ended; approving twice changes nothing', async () => {
    const byFreelancer = await approve(freelancer, contractId, '2026-01-05');
    expect([byFreelancer.status, byFreelancer.json.error.code]).toEqual([403, 'FORBIDDEN']);
    const running = await approve(client, contractId, '2026-01-12');
    expect([running.status, running.json.error.code]).toEqual([409, 'WEEK_NOT_ENDED']);
    expect((await week(client, contractId, '2026-01-12')).json.state).toBe('open');

    const approved = await approve(client, contractId, '2026-01-08');
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ week: '2026-01-05', state: 'approved', approval: { at: '2026-01-12T08:00:00.000Z', by: 'client' } });
    server.clock.advance(10 * MIN);
    const again = await approve(client, contractId, '2026-01-05');
    expect(again.json.approval).toEqual(approved.json.approval);
    expect(again.json.totals).toEqual(approved.json.totals);
  });

  it("locks an approved week: the freelancer can neither delete its screenshots nor shrink its time", async () => {
    const refused = await server.request('DELETE', `/api/v1/screenshots/${monday.screenshotId}`, { token: freelancer.token });
    expect([refused.status, refused.json.error.code]).toEqual([409, 'WEEK_APPROVED']);
    const image = await server.request('GET', `/api/v1/screenshots/${monday.screenshotId}`, { token: client.token });
    expect([image.status, Buffer.compare(image.bytes, monday.bytes!)]).toEqual([200, 0]); // the image is still there, whole

    const shrunk = { ...monday.body, revision: 2, trackedSeconds: 60, minutes: monday.body.minutes.slice(0, 1) };
    const shrink = await server.request('PUT', `/api/v1/segments/${shrunk.id}`, { token: freelancer.token, json: shrunk });
    expect([shrink.status, shrink.json.error.code]).toEqual([409, 'WEEK_APPROVED']);
    const after = await week(client, contractId, '2026-01-05');
    expect(after.json.totals).toEqual({ trackedSeconds: 480, billableSeconds: 180, idleSeconds: 0, removedSeconds: 0 + 300 });

    // The next week is not approved: there the freelancer still may.
    const next = await upload(contractId, at('2026-01-12T08:10:00Z'), 3, { screenshot: true });
    server.clock.setWall(at('2026-01-12T08:30:00Z'));
    expect((await server.request('DELETE', `/api/v1/screenshots/${next.screenshotId}`, { token: freelancer.token })).status).toBe(200);
  });

  it("approves a week by the server's clock the set days after its end, at that moment, and locks it", async () => {
    const other = await activeContract(server, client, freelancer, { timeZone: 'America/New_York' });
    server.clock.setWall(at('2026-01-13T15:00:00Z'));
    const { screenshotId } = await upload(other, at('2026-01-13T14:00:00Z'), 4, { screenshot: true });
    // Monday 2026-01-19 00:00 in New York is 05:00 UTC; five days later, Saturday 2026-01-24 05:00 UTC.
    server.clock.setWall(at('2026-01-24T04:59:59.999Z'));
    const before = await week(freelancer, other, '2026-01-13');
    expect(before.json).toMatchObject({ week: '2026-01-12', state: 'in_review', autoApprovesAt: '2026-01-24T05:00:00.000Z', approval: null });

    server.clock.setWall(at('2026-01-30T12:00:00Z')); // nobody asked for days: the approval still dates from its moment
    const after = await week(freelancer, other, '2026-01-13');
    expect(after.json).toMatchObject({ state: 'approved', approval: { at: '2026-01-24T05:00:00.000Z', by: 'server' } });
    expect(after.json.totals).toEqual(before.json.totals);
    const refused = await server.request('DELETE', `/api/v1/screenshots/${screenshotId}`, { token: freelancer.token });
    expect([refused.status, refused.json.error.code]).toEqual([409, 'WEEK_APPROVED']);
    // The client, approving late, changes nothing: the server's approval stands.
    expect((await approve(client, other, '2026-01-12')).json.approval).toEqual(after.json.approval);
  });

  it('answers a date that is not one with a coded 400, and a stranger with 404', async () => {
    for (const bad of ['2026-02-30', '2026-1-05', 'monday']) {
      const answer = await week(client, contractId, bad);
      expect([answer.status, answer.json.error.code], bad).toEqual([400, 'VALIDATION_FAILED']);
    }
    const stranger = await signedInAccount(server, 'stranger');
    expect((await week(stranger, contractId, '2026-01-05')).status).toBe(404);
    expect((await approve(stranger, contractId, '2026-01-05')).status).toBe(404);
  });
});
