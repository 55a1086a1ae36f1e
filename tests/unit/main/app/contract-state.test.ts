import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { expectError, expectOk, openService, type ServiceHarness } from './support.js';

/**
 * Issue 13 in the app: the client pauses and ends the contract while the freelancer tracks it. The session stops by
 * itself (the minute is saved) and says why in words; the picker offers only what can be tracked and says why the
 * others cannot; Start on a paused contract is refused with one clear message; after a resume it works again.
 */
describe('AppService follows the contract state', () => {
  let server: LiveServer;
  let h: ServiceHarness;
  let clientToken: string;
  const clock = new FakeClock({ wallMs: Math.floor(Date.now() / 60_000) * 60_000 + 1_000 });

  beforeAll(async () => {
    server = await startLiveServer({ clock, segmentSeconds: 60 });
    clientToken = await server.token('client');
    h = await openService({ clock });
    expectOk(await h.service.invoke('auth:sign-in', { serverUrl: server.url, email: DEMO_PASSWORDS.freelancer.email, password: DEMO_PASSWORDS.freelancer.password }));
  });
  afterAll(async () => {
    await h?.dispose();
    await server?.close();
  });

  const setState = async (state: 'active' | 'paused' | 'ended') =>
    expect((await server.api('PUT', `/contracts/${server.contractId}/state`, { token: clientToken, json: { state } })).status).toBe(200);
  const work = async (seconds: number) => {
    for (let s = 0; s < seconds; s += 1) {
      h.input.add({ keyboard: 1 });
      await clock.advanceAsync(1000);
    }
  };

  it('stops the running session when the client pauses, keeps what was recorded, and says why', async () => {
    const listed = expectOk(await h.service.invoke('state:get', {})).contracts.find((c) => c.id === server.contractId);
    expect(listed).toMatchObject({ trackable: true, whyNot: null, stateWords: 'active' });
    expect(expectOk(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: 'before the pause' })).tracking.status).toBe('running');
    await work(70);
    await setState('paused');
    // The pause comes over the policy stream (real HTTP); the session stops by itself.
    await vi.waitFor(
      async () => {
        await clock.advanceAsync(200);
        expect(expectOk(await h.service.invoke('state:get', {})).tracking.status).toBe('stopped');
      },
      { timeout: 20_000, interval: 50 },
    );
    const state = expectOk(await h.service.invoke('state:get', {}));
    expect(state.tracking.contractStopped).toBe('Tracking stopped: “Demo contract” was paused by the client. What was recorded is kept.');
    expect(state.tracking.todayMs).toBeGreaterThanOrEqual(60_000);
    expect(state.contracts.find((c) => c.id === server.contractId)).toMatchObject({ trackable: false, whyNot: 'it was paused by the client', stateWords: 'paused by the client' });
  });

  it('refuses to start a paused contract with one clear message, and starts again once resumed', async () => {
    const refused = expectError(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: null }));
    expect(refused).toEqual({ code: 'CONTRACT_NOT_ACTIVE', message: '“Demo contract” cannot be tracked: it was paused by the client.' });
    expect(expectOk(await h.service.invoke('state:get', {})).tracking.status).toBe('stopped');

    await setState('active');
    const refreshed = expectOk(await h.service.invoke('contracts:refresh', {}));
    expect(refreshed.contracts.find((c) => c.id === server.contractId)).toMatchObject({ trackable: true, whyNot: null });
    const started = expectOk(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: 'after the resume' }));
    expect(started.tracking).toMatchObject({ status: 'running', contractStopped: null });

    await work(5);
    await setState('ended');
    await vi.waitFor(
      async () => {
        await clock.advanceAsync(200);
        expect(expectOk(await h.service.invoke('state:get', {})).tracking.contractStopped).toBe('Tracking stopped: “Demo contract” was ended by the client. What was recorded is kept.');
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(expectError(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: null })).code).toBe('CONTRACT_NOT_ACTIVE');
  });
});
