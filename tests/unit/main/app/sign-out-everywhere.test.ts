import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath, openStore } from '../../../../src/main/store/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { expectOk, openService, type ServiceHarness } from './support.js';

/**
 * "Sign out everywhere" from the app, main side, against the real server on loopback (fake clock): every sign-in of
 * the freelancer ends (a browser's too), the app is signed out here and says so, tracking stops as on a normal
 * sign-out, and the time recorded stays queued until the next sign-in sends it. Offline it still signs out here and
 * says the other sign-ins were not ended.
 */
describe('AppService: sign out everywhere', () => {
  let server: LiveServer;
  let h: ServiceHarness;
  const clock = new FakeClock({ wallMs: Math.floor(Date.now() / 60_000) * 60_000 + 1_000 });
  const { freelancer } = DEMO_PASSWORDS;
  const signIn = () => h.service.invoke('auth:sign-in', { serverUrl: server.url, email: freelancer.email, password: freelancer.password });
  const queued = (): number => {
    const reader = openStore({ file: databasePath(h.dataDir), clock, mode: 'local', verify: false });
    try {
      return (reader.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    } finally {
      reader.close();
    }
  };

  beforeAll(async () => {
    server = await startLiveServer({ clock, segmentSeconds: 60 });
    // No background pass within the test (hourly): what is recorded stays queued until a pass the test asks for.
    h = await openService({ clock, syncIntervalMs: 3_600_000 });
  });
  afterAll(async () => {
    await h?.dispose();
    await server?.close();
  });

  it("ends every sign-in of the person, stops tracking, signs out here and says so; nothing recorded is lost", async () => {
    const browser = await server.token('freelancer');
    expectOk(await signIn());
    expectOk(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: 'last words' }));
    for (let second = 0; second < 20; second += 1) {
      h.input.add({ keyboard: 1, moves: 1 });
      await clock.advanceAsync(1000);
    }
    const state = expectOk(await h.service.invoke('auth:sign-out-everywhere', {}));
    expect(state.account).toBeNull();
    expect(state.tracking.status).toBe('stopped');
    expect(state.signedOut).toBe(`Signed out of ${server.url} everywhere: no sign-in of ${freelancer.email} works any more, on any computer or browser.`);
    expect((await server.api('GET', '/contracts', { token: browser })).status).toBe(401);
    expect(queued()).toBeGreaterThan(0);

    // The next sign-in sends what was queued: the segment reaches the diary, memo and all.
    const again = expectOk(await signIn());
    expect(again.signedOut).toBeNull();
    expectOk(await h.service.invoke('sync:now', {}));
    expect(queued()).toBe(0);
    const diary = await server.api('GET', `/contracts/${server.contractId}/diary`, { token: await server.token('client') });
    expect(diary.json.segments.map((s: { memo: string | null }) => s.memo)).toEqual(['last words']);
  });

  it('offline, signs out here all the same and says the other sign-ins were not ended', async () => {
    await server.close();
    const state = expectOk(await h.service.invoke('auth:sign-out-everywhere', {}));
    expect(state.account).toBeNull();
    expect(state.signedOut).toMatch(new RegExp(`^Signed out on this computer, but ${server.url.replace(/[.]/g, '\\.')} could not be told \\(.+\\): .* Your other sign-ins were not ended: try again when the server can be reached\\.$`));
  });
});
