import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventPayload } from '../../../../src/shared/ipc/index.js';
import { appStateSchema } from '../../../../src/shared/ipc/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { expectError, expectOk, openService, type ServiceHarness } from './support.js';

/**
 * The whole freelancer path through the service against the real server on loopback: sign in, pick a contract,
 * track a 60-second segment with a screenshot, delete it (its time goes too), the client turns screenshots off
 * (the banner event), stop, sync; the server's diary then holds what the agent recorded.
 */
describe('AppService: sign in, track, screenshot, policy change, sync', () => {
  let server: LiveServer;
  let h: ServiceHarness;
  const clock = new FakeClock({ wallMs: Math.floor(Date.now() / 60_000) * 60_000 + 1_000 });

  beforeAll(async () => {
    server = await startLiveServer({ clock, segmentSeconds: 60 });
    h = await openService({ clock });
  });
  afterAll(async () => {
    await h?.dispose();
    await server?.close();
  });

  it('signs in and lists the contract with its policy in plain terms', async () => {
    const clientToken = await server.token('client');
    expect((await server.api('PUT', `/contracts/${server.contractId}/policy`, { token: clientToken, json: { screenshots: 'on' } })).status).toBe(200);
    const state = expectOk(
      await h.service.invoke('auth:sign-in', { serverUrl: server.url, email: DEMO_PASSWORDS.freelancer.email, password: DEMO_PASSWORDS.freelancer.password }),
    );
    expect(state.account).toEqual({ email: DEMO_PASSWORDS.freelancer.email, serverUrl: server.url });
    const contract = state.contracts.find((c) => c.id === server.contractId);
    expect(contract).toMatchObject({ screenshots: 'on', segmentSeconds: 60, clientEmail: DEMO_PASSWORDS.client.email });
    expect(appStateSchema.parse(state)).toEqual(state);
  });

  it('tracks, announces the screenshot with a thumbnail, and deleting it removes the segment time', async () => {
    const shots: EventPayload<'screenshot:taken'>[] = [];
    const off = h.service.on('screenshot:taken', (view) => shots.push(view));
    const started = expectOk(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: 'first task' }));
    expect(started.tracking).toMatchObject({ status: 'running', contractId: server.contractId, memo: 'first task' });
    expect(expectError(await h.service.invoke('tracking:start', { contractId: '01JABCDEFGHJKMNPQRSTVWXYZ0', memo: null })).code).toBe('ALREADY_TRACKING');

    for (let second = 0; second < 65; second += 1) {
      h.input.add({ keyboard: 2, moves: 1 });
      await clock.advanceAsync(1000);
    }
    await vi.waitFor(() => expect(shots).toHaveLength(1), { timeout: 20_000, interval: 50 });
    off();
    const shot = shots[0]!;
    expect(shot.thumbnail.startsWith('data:image/jpeg;base64,')).toBe(true);
    expect(Buffer.from(shot.thumbnail.split(',')[1]!, 'base64').subarray(0, 2).toString('hex')).toBe('ffd8');
    const state = expectOk(await h.service.invoke('state:get', {}));
    expect(state.recentScreenshots.map((s) => s.id)).toContain(shot.id);
    expect(state.tracking.todayMs).toBeGreaterThan(0);
    expect(state.tracking.segment).not.toBeNull();

    const before = state.tracking.weekMs;
    const after = expectOk(await h.service.invoke('screenshots:delete', { id: shot.id }));
    expect(after.recentScreenshots.map((s) => s.id)).not.toContain(shot.id);
    expect(after.tracking.weekMs).toBeLessThan(before);
    expect(expectError(await h.service.invoke('screenshots:delete', { id: shot.id })).code).toBe('SCREENSHOT_NOT_FOUND');
  });

  it('tells the UI when the client turns screenshots off while tracking', async () => {
    const changes: EventPayload<'policy:changed'>[] = [];
    const off = h.service.on('policy:changed', (change) => changes.push(change));
    const clientToken = await server.token('client');
    expect((await server.api('PUT', `/contracts/${server.contractId}/policy`, { token: clientToken, json: { screenshots: 'off' } })).status).toBe(200);
    // The push arrives over the policy stream (real HTTP); the fake clock also drives the ETag poll.
    await vi.waitFor(
      async () => {
        await clock.advanceAsync(1000);
        h.input.add({ keyboard: 1 });
        expect(changes).toHaveLength(1);
      },
      { timeout: 30_000, interval: 100 },
    );
    off();
    expect(changes[0]).toMatchObject({ contractId: server.contractId, from: 'on', to: 'off' });
    const state = await h.service.state();
    expect(state.contracts.find((c) => c.id === server.contractId)?.screenshots).toBe('off');
  });

  it('asks about idle time and discards it when told to', async () => {
    const prompts: EventPayload<'idle:prompt'>[] = [];
    const off = h.service.on('idle:prompt', (prompt) => prompts.push(prompt));
    for (let second = 0; second < 8 * 60; second += 1) await clock.advanceAsync(1000); // no input for 8 minutes
    const before = (await h.service.state()).tracking.weekMs;
    h.input.add({ keyboard: 3 });
    for (let second = 0; second < 3; second += 1) await clock.advanceAsync(1000);
    await vi.waitFor(() => expect(prompts).toHaveLength(1), { timeout: 10_000, interval: 20 });
    off();
    expect(prompts[0]!.minutes).toBeGreaterThanOrEqual(3);
    const decided = expectOk(await h.service.invoke('idle:decide', { decision: 'discard' }));
    await vi.waitFor(async () => expect((await h.service.state()).tracking.weekMs).toBeLessThan(before), { timeout: 10_000, interval: 20 });
    expect(decided.tracking.status).toBe('running');
    expect(expectError(await h.service.invoke('idle:decide', { decision: 'keep' })).code).toBe('NO_IDLE_PROMPT');
  });

  it('sets the memo, stops, and a sync leaves nothing pending; the server has the time', async () => {
    expectOk(await h.service.invoke('tracking:set-memo', { memo: 'second task' }));
    const stopped = expectOk(await h.service.invoke('tracking:stop', {}));
    expect(stopped.tracking.status).toBe('stopped');
    const synced = expectOk(await h.service.invoke('sync:now', {}));
    expect(synced.sync).toMatchObject({ pendingSegments: 0, pendingScreenshots: 0, parked: [], online: true, signInAgain: false });
    expect(synced.sync.lastSyncAt).not.toBeNull();
    const token = await server.token('freelancer');
    const diary = await server.api('GET', `/contracts/${server.contractId}/diary?from=${new Date(clock.now() - 3_600_000).toISOString()}&to=${new Date(clock.now() + 3_600_000).toISOString()}`, { token });
    expect(diary.status).toBe(200);
    expect(JSON.stringify(diary.json)).toContain('second task');
  });

  it('signs out: contracts and account go, recorded time stays in the store', async () => {
    const before = (await h.service.state()).tracking.weekMs;
    const state = expectOk(await h.service.invoke('auth:sign-out', {}));
    expect(state.account).toBeNull();
    expect(state.contracts).toEqual([]);
    expect(state.tracking.weekMs).toBe(before);
  });
});
