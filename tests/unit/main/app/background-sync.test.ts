import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SIGN_IN_AGAIN_WORDS } from '../../../../src/main/app/sync-words.js';
import { CredentialsStore } from '../../../../src/main/sync/index.js';
import type { AppState, EventPayload } from '../../../../src/shared/ipc/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { startRefusingProxy, type RefusingProxy } from '../../../e2e/support/refusing-proxy.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { expectError, expectOk, openService, untilPageShows as pageShows, type ServiceHarness } from './support.js';

/**
 * The background uploads as the page sees them, through the real service, the real server on loopback and a proxy
 * that refuses one screenshot: a pass that drains or parks items redraws the page with no action of the person's,
 * a pass that changes nothing sends nothing, a parked item and a refused sign-in read as sentences; and signing in
 * again as the same account keeps tracking, with the new token following the contract's policy.
 */
describe('AppService: background uploads reach the page; signing in again keeps tracking', () => {
  let server: LiveServer;
  let proxy: RefusingProxy;
  let h: ServiceHarness;
  const clock = new FakeClock({ wallMs: Math.floor(Date.now() / 60_000) * 60_000 + 1_000 });
  const freelancer = DEMO_PASSWORDS.freelancer;
  const emitted: AppState[] = [];

  beforeAll(async () => {
    server = await startLiveServer({ clock, segmentSeconds: 60 });
    proxy = await startRefusingProxy(server.url);
    h = await openService({ clock });
    h.service.on('state:changed', (state) => emitted.push(state));
  });
  afterAll(async () => {
    await h?.dispose();
    await proxy?.close();
    await server?.close();
  });

  /** Tracks with input for `seconds` of fake time; the uploads' HTTP is real and runs alongside. */
  async function work(seconds: number): Promise<void> {
    for (let second = 0; second < seconds; second += 1) {
      h.input.add({ keyboard: 2, moves: 1 });
      await clock.advanceAsync(1000);
    }
  }

  /** Moves the fake clock ten seconds at a time, giving the background passes (real HTTP) time to finish. */
  async function passTime(ms: number): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += 10_000) {
      await clock.advanceAsync(10_000);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  const untilPageShows = (check: (state: AppState) => boolean) => pageShows(clock, emitted, check);

  it('redraws the sync panel after a pass that drains the queue or parks an item, with no action in between', async () => {
    expectOk(await h.service.invoke('auth:sign-in', { serverUrl: proxy.url, email: freelancer.email, password: freelancer.password }));
    proxy.refuseNext((method, path) => method === 'PUT' && path.startsWith('/api/v1/screenshots/'), {
      status: 422,
      code: 'INVALID_IMAGE',
      message: 'the body is not an image of type image/jpeg',
    });
    expectOk(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: 'background' }));
    await work(65);
    const stopped = expectOk(await h.service.invoke('tracking:stop', {}));
    expect(stopped.tracking.status).toBe('stopped');
    const actions = emitted.length;

    const shown = await untilPageShows((s) => s.sync.pendingSegments + s.sync.pendingScreenshots === 0 && s.sync.parked.length === 1);
    expect(emitted.length).toBeGreaterThan(actions);
    expect(shown.sync.parked).toEqual([
      {
        kind: 'screenshot',
        error: 'the server could not read it as a picture.',
        todo: 'Nothing to fix on your side; if it keeps failing, report it.',
        // Tried again on its own in about an hour (±10 %).
        retryAt: expect.stringMatching(/^\d{4}-/),
        detail: 'HTTP 422 INVALID_IMAGE: the body is not an image of type image/jpeg',
      },
    ]);
    const inMinutes = (Date.parse(shown.sync.parked[0]!.retryAt!) - clock.now()) / 60_000;
    expect(inMinutes).toBeGreaterThanOrEqual(53);
    expect(inMinutes).toBeLessThanOrEqual(66);
    expect(shown.sync.lastError).toBeNull(); // the pass after the parking drained the rest: history, not status

    // Passes over an empty queue change nothing the panel shows: the page hears nothing more.
    const quiet = emitted.length;
    for (let pass = 0; pass < 8; pass += 1) {
      await clock.advanceAsync(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(emitted.length).toBe(quiet);
  });

  it('refuses to sign in as another account while tracking, and says how', async () => {
    expectOk(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: 'background' }));
    const other = DEMO_PASSWORDS.other;
    const refused = expectError(await h.service.invoke('auth:sign-in', { serverUrl: proxy.url, email: other.email, password: other.password }));
    expect(refused.code).toBe('ALREADY_TRACKING');
    expect(refused.message).toBe('Stop tracking before you sign in as another account (signing in again as this account keeps tracking).');
    const state = await h.service.state();
    expect(state.account?.email).toBe(freelancer.email);
    expect(state.tracking.status).toBe('running');
  });

  it('says "sign in again" in app words when the token is revoked, and signing in again keeps tracking', async () => {
    const revoked = await server.api('DELETE', '/auth/token', { token: new CredentialsStore(h.dataDir).read()!.token });
    expect(revoked.status).toBe(204);
    // The next minute's flush queues a segment; the pass that sends it hears 401.
    await work(61);
    const refused = await untilPageShows((s) => s.sync.signInAgain);
    expect(refused.sync.lastError).toBe(SIGN_IN_AGAIN_WORDS);
    expect(refused.tracking.status).toBe('running');
    const segmentBefore = refused.tracking.segment?.startedAt;

    // The same account, typed as a person might: the address with a trailing slash, the email in capitals.
    const again = expectOk(
      await h.service.invoke('auth:sign-in', { serverUrl: `${proxy.url}/`, email: freelancer.email.toUpperCase(), password: freelancer.password }),
    );
    expect(again.tracking.status).toBe('running');
    expect(again.tracking.segment?.startedAt).toBe(segmentBefore); // the same session: nothing stopped and restarted
    expect(again.sync.signInAgain).toBe(false);
    await untilPageShows((s) => s.sync.pendingSegments === 0 && !s.sync.signInAgain);

    // The running session follows the policy with the new token: the client's change reaches it.
    const changes: EventPayload<'policy:changed'>[] = [];
    const off = h.service.on('policy:changed', (change) => changes.push(change));
    const clientToken = await server.token('client');
    expect((await server.api('PUT', `/contracts/${server.contractId}/policy`, { token: clientToken, json: { screenshots: 'off' } })).status).toBe(200);
    await vi.waitFor(
      async () => {
        await work(1);
        expect(changes).toHaveLength(1);
      },
      { timeout: 30_000, interval: 100 },
    );
    off();
    expect(changes[0]).toMatchObject({ contractId: server.contractId, to: 'off' });
    const stopped = expectOk(await h.service.invoke('tracking:stop', {}));
    expect(stopped.contracts.find((c) => c.id === server.contractId)?.screenshots).toBe('off');
  });

  it('a screenshot the client deleted leaves the recent screenshots within minutes, and the page is told with no action', async () => {
    const shots = (await h.service.state()).recentScreenshots;
    expect(shots.length).toBeGreaterThan(0); // taken while the policy was on
    const gone = shots[0]!;
    // First a quiet page: passes that change nothing send nothing, over more than one 5-minute check.
    await passTime(6 * 60_000);
    const quiet = emitted.length;
    await passTime(6 * 60_000);
    expect(emitted.length).toBe(quiet);

    const clientToken = await server.token('client');
    expect((await server.api('DELETE', `/screenshots/${gone.id}`, { token: clientToken })).status).toBe(200);
    // A background pass asks the server which screenshots are gone every 5 minutes; that one tells the page.
    await passTime(5 * 60_000);
    expect(emitted.length).toBeGreaterThan(quiet);
    const shown = emitted.at(-1)!;
    expect(shown.recentScreenshots.some((r) => r.id === gone.id)).toBe(false);
    expect(shown.recentScreenshots.map((r) => r.id)).toEqual(shots.slice(1).map((r) => r.id));
    expect(shown.sync.pendingSegments + shown.sync.pendingScreenshots).toBe(0); // nothing queued again for it
  });
});
