import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredScreenshots } from '../../src/domain/purge.js';
import { ScreenshotObjects } from '../../src/domain/screenshot-objects.js';
import { createLogger } from '../../src/logger.js';
import { testBackends } from '../support/backends.js';
import { accept, activeContract, inviteToContract, setState, signedInAccount, type Account } from '../support/contracts.js';
import { openPolicyStream } from '../support/sse.js';
import { segmentBody, segmentStart, startTestServer, uploadScreenshot, type TestServer } from '../support/server.js';

const DAY = 86_400_000;
const MIN = 60_000;

/**
 * Issue 13: a contract's whole life over the API, on each backend. A client with nothing but an account makes a
 * contract and invites by email; the invited person signs up with the link and accepts; the client pauses, resumes
 * and ends it (the freelancer may only end), every change kept with who and when and pushed on the policy stream;
 * work that started before a pause or the end is kept, work that starts after it is refused with a coded 409; an
 * ended contract's diary stays readable, and its screenshots go the client's N days after the end.
 */
describe.each(testBackends())('a contract from invitation to end on $name', (backend) => {
  let server: TestServer;
  let client: Account;

  beforeAll(async () => {
    server = await startTestServer(backend);
    client = await signedInAccount(server, 'client');
  });
  afterAll(async () => server?.close());

  const put = (who: Account, segment: ReturnType<typeof segmentBody>) => server.request('PUT', `/api/v1/segments/${segment.id}`, { token: who.token, json: segment });
  const diary = (who: Account, contractId: string, from: number, to: number) =>
    server.request('GET', `/api/v1/contracts/${contractId}/diary?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`, { token: who.token });

  it('starts invited, with a link; the invited person signs up with it and accepts; the contract is then active', async () => {
    const email = `new-freelancer-${Date.now()}@test.example`;
    const { contract, invitation, contractId, token } = await inviteToContract(server, client, email, {
      hourlyRate: { cents: 4500, currency: 'EUR' },
      weeklyLimitHours: 20,
      keepScreenshotsAfterEndDays: 10,
    });
    expect(contract).toMatchObject({
      role: 'client',
      freelancer: null,
      policy: { screenshots: 'on', retentionDays: 30, version: 1, contract: { state: 'invited', seq: 1, by: 'client' } },
      terms: { hourlyRate: { cents: 4500, currency: 'EUR' }, weeklyLimitHours: 20, timeZone: 'Europe/Berlin', keepScreenshotsAfterEndDays: 10 },
      screenshotsPurgedAt: null,
      invitation: { email, state: 'pending' },
    });
    expect(invitation.expiresAt).toBe(new Date(server.clock.now() + 14 * DAY).toISOString());
    expect(invitation.link).toMatch(new RegExp(`/#/invitation/${token}$`));
    expect(invitation.mailed).toBe(false);
    expect(JSON.stringify(await server.repos.invitations.listForContract(contractId))).not.toContain(token); // stored hashed only

    const view = await server.request('POST', '/api/v1/invitations/lookup', { json: { token } });
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ email, state: 'pending', contract: { id: contractId, name: 'Landing page', client: { email: client.email }, screenshots: 'on' } });

    const signup = await server.request('POST', '/api/v1/auth/signup', { json: { email, name: 'Ada Freelancer', password: 'a long enough secret', invitation: token } });
    expect(signup.status, signup.text).toBe(200);
    expect(signup.json.user).toMatchObject({ email, name: 'Ada Freelancer' });
    // Signing up does not accept: the contract still waits until the person says yes.
    expect((await server.repos.contracts.find(contractId))?.state).toBe('invited');
    const freelancer = { ...(await server.repos.users.findByEmail(email))!, token: signup.json.token as string, password: 'a long enough secret' };
    const accepted = await accept(server, freelancer, token);
    expect(accepted).toMatchObject({ id: contractId, role: 'freelancer', freelancer: { email, name: 'Ada Freelancer' }, policy: { contract: { state: 'active', seq: 2, by: 'freelancer' } }, invitation: null });

    const forClient = (await server.request('GET', '/api/v1/contracts', { token: client.token })).json.contracts.find((c: { id: string }) => c.id === contractId);
    expect(forClient).toMatchObject({ freelancer: { email }, invitation: { state: 'accepted' }, policy: { contract: { state: 'active' } } });
    // The link worked once.
    expect((await server.request('POST', '/api/v1/invitations/accept', { token: freelancer.token, json: { token } })).json.error.code).toBe('INVITATION_USED');
  });

  it('pauses, resumes and ends only as the rules allow; each change is kept with who and when and pushed to the stream', async () => {
    const freelancer = await signedInAccount(server, 'freelancer');
    const contractId = await activeContract(server, client, freelancer);
    const stream = await openPolicyStream(`${server.baseUrl}/api/v1/contracts/${contractId}/policy/stream`, freelancer.token);
    await stream.received(1);
    expect(stream.events[0]?.contract).toMatchObject({ state: 'active', seq: 2 });

    // The freelancer may not pause or resume; refused calls change nothing.
    for (const state of ['paused', 'active'] as const) {
      const refused = await setState(server, freelancer, contractId, state);
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe('FORBIDDEN');
    }
    server.clock.advance(MIN);
    const paused = await setState(server, client, contractId, 'paused');
    expect(paused.status).toBe(200);
    expect(paused.json.policy.contract).toEqual({ state: 'paused', seq: 3, since: new Date(server.clock.now()).toISOString(), by: 'client' });
    await stream.received(2);
    expect(stream.events[1]?.contract).toMatchObject({ state: 'paused', seq: 3, by: 'client' });
    // Pausing again is no conflict and no new change.
    expect((await setState(server, client, contractId, 'paused')).json.policy.contract.seq).toBe(3);

    server.clock.advance(MIN);
    expect((await setState(server, client, contractId, 'active')).json.policy.contract).toMatchObject({ state: 'active', seq: 4, by: 'client' });
    await stream.received(3);
    server.clock.advance(MIN);
    expect((await setState(server, freelancer, contractId, 'ended')).json.policy.contract).toMatchObject({ state: 'ended', seq: 5, by: 'freelancer' });
    await stream.received(4);
    expect(stream.events.map((e) => e.contract.state)).toEqual(['active', 'paused', 'active', 'ended']);
    stream.close();

    const resumed = await setState(server, client, contractId, 'active');
    expect(resumed.status).toBe(409);
    expect(resumed.json.error.code).toBe('CONTRACT_STATE_CONFLICT');
    const history = (await diary(client, contractId, server.clock.now() - DAY, server.clock.now() + MIN)).json.stateHistory;
    expect(history.map((h: { state: string; by: string | null }) => [h.state, h.by])).toEqual([
      ['invited', 'client'],
      ['active', 'freelancer'],
      ['paused', 'client'],
      ['active', 'client'],
      ['ended', 'freelancer'],
    ]);
    // The policy's ETag moves with the state, so a polling agent hears it too.
    const policy = await server.request('GET', `/api/v1/contracts/${contractId}/policy`, { token: freelancer.token });
    expect(policy.headers.get('etag')).toMatch(/-s5"$/);
  });

  it('keeps work that started before a pause or the end, refuses work that starts after it with 409 CONTRACT_NOT_ACTIVE', async () => {
    const freelancer = await signedInAccount(server, 'freelancer');
    const contractId = await activeContract(server, client, freelancer);
    server.clock.advance(30 * MIN);
    const before = segmentStart(server.clock.now()); // the segment running when the client pauses
    server.clock.advance(2 * MIN);
    expect((await setState(server, client, contractId, 'paused')).status).toBe(200);
    server.clock.advance(20 * MIN);

    // Offline until now: the segment that started while active is accepted after the pause.
    const offline = segmentBody({ contractId, startedAt: before, minutes: 2 });
    expect((await put(freelancer, offline)).status).toBe(200);
    const afterPause = segmentBody({ contractId, startedAt: before + 10 * MIN, minutes: 1 });
    const refused = await put(freelancer, afterPause);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'CONTRACT_NOT_ACTIVE', message: expect.stringMatching(/paused by the client/) });
    expect(await server.repos.segments.find(afterPause.id)).toBeUndefined();

    expect((await setState(server, client, contractId, 'active')).status).toBe(200);
    const resumedAt = server.clock.now();
    server.clock.advance(15 * MIN);
    const afterResume = segmentBody({ contractId, startedAt: segmentStart(resumedAt) + 10 * MIN, minutes: 3 });
    expect((await put(freelancer, afterResume)).status).toBe(200);
    expect((await setState(server, client, contractId, 'ended')).status).toBe(200);
    server.clock.advance(30 * MIN);
    const afterEnd = segmentBody({ contractId, startedAt: segmentStart(server.clock.now()) - 10 * MIN, minutes: 1 });
    expect((await put(freelancer, afterEnd)).json.error.code).toBe('CONTRACT_NOT_ACTIVE');
    // A later revision of accepted work is still taken after the end (offline work is never lost).
    expect((await put(freelancer, { ...afterResume, trackedSeconds: 240, minutes: [...afterResume.minutes, { ...afterResume.minutes[0]!, startedAt: new Date(Date.parse(afterResume.startedAt) + 3 * MIN).toISOString() }] })).status).toBe(200);

    // The ended contract's diary stays readable to both sides, with every accepted minute.
    for (const who of [client, freelancer]) {
      const read = await diary(who, contractId, before - MIN, server.clock.now());
      expect(read.status).toBe(200);
      expect(read.json.segments.map((s: { id: string }) => s.id)).toEqual([offline.id, afterResume.id]);
      expect(read.json.totals.trackedSeconds).toBe(120 + 240);
    }
  });

  it("purges an ended contract's screenshots the client's N days after the end, shows the date, and keeps the time", async () => {
    const freelancer = await signedInAccount(server, 'freelancer');
    const contractId = await activeContract(server, client, freelancer, { keepScreenshotsAfterEndDays: 30, retentionDays: 365 });
    server.clock.advance(30 * MIN);
    const start = segmentStart(server.clock.now()) - 10 * MIN;
    const segment = segmentBody({ contractId, startedAt: start, minutes: 4 });
    expect((await put(freelancer, segment)).status).toBe(200);
    const shot = await uploadScreenshot(server, freelancer.token, { segmentId: segment.id, capturedAt: start + 90_000 });
    expect(shot.status).toBe(200);
    expect(shot.json.expiresAt).toBe(new Date(start + 90_000 + 365 * DAY).toISOString());

    const ended = await setState(server, client, contractId, 'ended');
    const endedAt = server.clock.now();
    expect(ended.json.screenshotsPurgedAt).toBe(new Date(endedAt + 30 * DAY).toISOString());
    // The client shortens it; the date follows.
    const patched = await server.request('PATCH', `/api/v1/contracts/${contractId}`, { token: client.token, json: { keepScreenshotsAfterEndDays: 7 } });
    expect(patched.status).toBe(200);
    expect(patched.json.screenshotsPurgedAt).toBe(new Date(endedAt + 7 * DAY).toISOString());
    const read = await diary(freelancer, contractId, start, start + 10 * MIN);
    expect(read.json.segments[0].screenshot.expiresAt).toBe(new Date(endedAt + 7 * DAY).toISOString());

    const objects = new ScreenshotObjects(server.storage, server.keys);
    const purge = () => purgeExpiredScreenshots({ repos: server.repos, objects, clock: server.clock, logger: createLogger({ level: 'silent' }) });
    server.clock.advance(7 * DAY - MIN);
    // 0 purged, or undefined: the server's own hourly purge, fired by the same advance, holds the purge lock on
    // PostgreSQL. Either way the object must still be there, which is what the lines below check.
    expect([0, undefined]).toContain(await purge());
    // Sealed at rest: the store holds the screenshot's object, never its image bytes, so the object is what is looked for.
    const stored = (await server.repos.screenshots.find(shot.id))?.storageKey;
    expect(stored).toBeTruthy();
    expect(await server.storedObjects()).toContain(stored);
    server.clock.advance(MIN);
    await purge(); // (the server's own hourly purge, on the same fake clock, may have come first: either way it is gone)
    // The server's own purge may still be deleting the object it queued: it is gone once that run ends.
    await expect.poll(() => server.storedObjects(), { timeout: 10_000 }).not.toContain(stored);
    const after = await diary(client, contractId, start, start + 10 * MIN);
    expect(after.json.segments[0]).toMatchObject({ trackedSeconds: 240, billable: true, screenshot: null, screenshotRemoved: { by: 'retention' } });
    expect((await server.request('GET', `/api/v1/screenshots/${shot.id}`, { token: client.token })).status).toBe(410);
  });

  it('keeps the terms the client sets, refuses bad ones, and takes no work before the invitation is accepted', async () => {
    const freelancer = await signedInAccount(server, 'freelancer');
    const { contractId, token } = await inviteToContract(server, client, freelancer.email);
    // Not a party yet: the invited account sees nothing of the contract and uploads nothing to it.
    const early = segmentBody({ contractId, startedAt: segmentStart(server.clock.now()) - 10 * MIN, minutes: 1 });
    expect((await put(freelancer, early)).status).toBe(404);
    for (const bad of [{ timeZone: 'Mars/Olympus' }, { hourlyRate: { cents: -1, currency: 'EUR' } }, { weeklyLimitHours: 169 }, { freelancerEmail: client.email }, { segmentSeconds: 420 }]) {
      const refused = await server.request('POST', '/api/v1/contracts', { token: client.token, json: { name: 'Bad', freelancerEmail: freelancer.email, screenshots: 'on', retentionDays: 30, timeZone: 'UTC', ...bad } });
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect(refused.json.error.code).toBe('VALIDATION_FAILED');
    }
    const patched = await server.request('PATCH', `/api/v1/contracts/${contractId}`, { token: client.token, json: { name: 'Renamed', hourlyRate: null, weeklyLimitHours: 10 } });
    expect(patched.json).toMatchObject({ name: 'Renamed', terms: { hourlyRate: null, weeklyLimitHours: 10, timeZone: 'Europe/Berlin' } });
    expect((await server.request('PATCH', `/api/v1/contracts/${contractId}`, { token: client.token, json: {} })).status).toBe(400);
    await accept(server, freelancer, token);
    const patchedByFreelancer = await server.request('PATCH', `/api/v1/contracts/${contractId}`, { token: freelancer.token, json: { weeklyLimitHours: 40 } });
    expect(patchedByFreelancer.status).toBe(403);
    expect((await server.repos.contracts.find(contractId))?.weeklyLimitHours).toBe(10);
  });
});
