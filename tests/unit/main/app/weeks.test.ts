import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath, openStore } from '../../../../src/main/store/index.js';
import { weekReviewSchema } from '../../../../src/shared/protocol/api/index.js';
import { segmentBody } from '../../../../server/tests/support/server.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { expectError, expectOk, openService, type ServiceHarness } from './support.js';

/** Monday 2026-11-30 10:00:01 UTC: the demo contract's zone is UTC, so this week runs 2026-11-30 to 2026-12-06. */
const NOW = Date.UTC(2026, 10, 30, 10, 0, 1);

/**
 * The desktop app's Weeks view, main side: the week asked of the real server on loopback through the app's API client,
 * validated, cached per account, contract and week in the real store, and shown offline from that cache with when it
 * was fetched (fake clock shared with the server).
 */
describe('AppService: the Weeks view', () => {
  let server: LiveServer;
  let h: ServiceHarness;
  let clientToken: string;
  const clock = new FakeClock({ wallMs: NOW });
  const serverWeek = async (week: string) => weekReviewSchema.parse((await server.api('GET', `/contracts/${server.contractId}/weeks/${week}`, { token: clientToken })).json);

  beforeAll(async () => {
    server = await startLiveServer({ clock, segmentSeconds: 60 });
    h = await openService({ clock });
    clientToken = await server.token('client');
    const { freelancer } = DEMO_PASSWORDS;
    expectOk(await h.service.invoke('auth:sign-in', { serverUrl: server.url, email: freelancer.email, password: freelancer.password }));
    // 7 minutes tracked this morning, uploaded as the agent would (the server's figures, not the app's, are shown).
    const freelancerToken = await server.token('freelancer');
    for (let i = 0; i < 7; i += 1) {
      const segment = segmentBody({ contractId: server.contractId, startedAt: NOW - 3_601_000 + i * 60_000, lengthSeconds: 60, minutes: 1 });
      const put = await server.api('PUT', `/segments/${segment.id}`, { token: freelancerToken, json: segment });
      expect(put.status, JSON.stringify(put.json)).toBe(200);
    }
  });
  afterAll(async () => {
    await h?.dispose();
    await server?.close();
  });

  it("shows the week running now as the server reviews it: state, totals, the automatic approval date, what approval deletes", async () => {
    const state = expectOk(await h.service.invoke('weeks:show', { contractId: server.contractId, week: null }));
    const review = await serverWeek('2026-11-30');
    expect(review.totals.trackedSeconds).toBe(7 * 60);
    expect(state.weeks).toEqual({ contractId: server.contractId, week: '2026-11-30', review, fetchedAt: new Date(NOW).toISOString(), unavailable: null, current: true });
    expect(state.weeks?.review?.state).toBe('open');
  });

  it('pages back a week at a time and shows who approved it and when', async () => {
    clock.setWall(NOW + 8 * 86_400_000); // the next Tuesday: last week is in review
    expect((await server.api('POST', `/contracts/${server.contractId}/weeks/2026-11-30/approval`, { token: clientToken })).status).toBe(200);
    const now = expectOk(await h.service.invoke('weeks:show', { contractId: server.contractId, week: null }));
    expect(now.weeks).toMatchObject({ week: '2026-12-07', current: true, review: { state: 'open', totals: { trackedSeconds: 0 } } });
    const back = expectOk(await h.service.invoke('weeks:show', { contractId: server.contractId, week: '2026-12-01' }));
    expect(back.weeks).toMatchObject({ week: '2026-11-30', current: false, unavailable: null, review: { state: 'approved', approval: { by: 'client' }, totals: { billableSeconds: 7 * 60 } } });
    expect(back.weeks?.review).toEqual(await serverWeek('2026-11-30'));
  });

  it('refuses a date that is not one, and a contract not in the list, in words', async () => {
    expect(expectError(await h.service.invoke('weeks:show', { contractId: server.contractId, week: '2026-02-30' })).code).toBe('BAD_REQUEST');
    expect(expectError(await h.service.invoke('weeks:show', { contractId: '01KAAAAAAAAAAAAAAAAAAAAAAA', week: null })).code).toBe('CONTRACT_NOT_FOUND');
  });

  it('offline, shows the cached week with when it was fetched, and says a week never fetched is not known', async () => {
    const fetchedAt = new Date(clock.now()).toISOString();
    const cached = await serverWeek('2026-11-30');
    await server.close();
    clock.advance(3_600_000);
    const offline = expectOk(await h.service.invoke('weeks:show', { contractId: server.contractId, week: '2026-11-30' }));
    expect(offline.weeks).toEqual({ contractId: server.contractId, week: '2026-11-30', review: cached, fetchedAt, unavailable: 'the server cannot be reached now', current: false });
    const never = expectOk(await h.service.invoke('weeks:show', { contractId: server.contractId, week: '2026-11-23' }));
    expect(never.weeks).toMatchObject({ week: '2026-11-23', review: null, fetchedAt: null, unavailable: 'the server cannot be reached now' });
  });

  it('forgets the cached weeks of the account at sign-out', async () => {
    const state = expectOk(await h.service.invoke('auth:sign-out', {}));
    expect(state.weeks).toBeNull();
    const reader = openStore({ file: databasePath(h.dataDir), clock, mode: 'local', verify: false });
    try {
      expect(reader.db.prepare('SELECT count(*) AS n FROM week_reviews').get()).toEqual({ n: 0 });
    } finally {
      reader.close();
    }
  });
});
