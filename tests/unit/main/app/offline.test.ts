import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { expectError, expectOk, openService, type ServiceHarness } from './support.js';

/** The server goes away after sign-in: tracking starts from the cached terms, records, and keeps it for later. */
describe('AppService offline', () => {
  let server: LiveServer;
  let h: ServiceHarness;
  const clock = new FakeClock({ wallMs: Math.floor(Date.now() / 60_000) * 60_000 + 1_000 });

  beforeAll(async () => {
    server = await startLiveServer({ clock, segmentSeconds: 60 });
    h = await openService({ clock });
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('tracks with the cached contract list when the server is unreachable, and says so', async () => {
    const signedIn = expectOk(
      await h.service.invoke('auth:sign-in', { serverUrl: server.url, email: DEMO_PASSWORDS.freelancer.email, password: DEMO_PASSWORDS.freelancer.password }),
    );
    expect(signedIn.contracts.map((c) => c.id)).toContain(server.contractId);
    expect(expectError(await h.service.invoke('tracking:start', { contractId: '01JABCDEFGHJKMNPQRSTVWXYZ0', memo: null })).code).toBe('CONTRACT_NOT_FOUND');
    await server.close();

    const refresh = expectError(await h.service.invoke('contracts:refresh', {}));
    expect(refresh.code).toBe('SERVER_UNREACHABLE');
    const started = expectOk(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: 'on the train' }));
    expect(started.tracking.status).toBe('running');
    expect(started.sync.online).toBe(false);
    expect(started.contracts.map((c) => c.id)).toContain(server.contractId);

    for (let second = 0; second < 150; second += 1) {
      h.input.add({ keyboard: 1 });
      await clock.advanceAsync(1000);
    }
    const stopped = expectOk(await h.service.invoke('tracking:stop', {}));
    expect(stopped.tracking.weekMs).toBeGreaterThanOrEqual(120_000);
    expect(stopped.sync.pendingSegments).toBeGreaterThanOrEqual(2);

    const sync = expectError(await h.service.invoke('sync:now', {}));
    expect(sync.code).toBe('SERVER_UNREACHABLE');
    expect(sync.message).toMatch(/^Cannot reach .*: uploads will retry on their own\.$/);
    const after = await h.service.state();
    expect(after.sync.lastError).toBe(sync.message);
    expect(after.sync.online).toBe(false);
    expect(after.sync.pendingSegments).toBe(stopped.sync.pendingSegments); // nothing lost, nothing sent
  });
});
