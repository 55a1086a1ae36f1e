import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialsStore } from '../../../../src/main/sync/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { expectError, expectOk, openService, type ServiceHarness } from './support.js';

describe('AppService: a token the server refuses asks the person to sign in again', () => {
  let server: LiveServer;
  let h: ServiceHarness;
  const clock = new FakeClock({ wallMs: Date.now() });

  beforeAll(async () => {
    server = await startLiveServer({ clock });
    h = await openService({ clock });
  });
  afterAll(async () => {
    await h?.dispose();
    await server?.close();
  });

  it('answers SIGN_IN_AGAIN in app words and the state says so; signing out clears it', async () => {
    await h.service.close();
    new CredentialsStore(h.dataDir).write({
      server: server.url,
      email: 'freelancer@demo.test',
      userId: 'u1',
      role: 'freelancer',
      token: 'a-token-the-server-never-issued',
      expiresAt: new Date(clock.now() + 86_400_000).toISOString(),
    });
    h = await openService({ clock, dataDir: h.dataDir });
    const error = expectError(await h.service.invoke('contracts:refresh', {}));
    expect(error).toEqual({ code: 'SIGN_IN_AGAIN', message: 'The server no longer accepts your sign-in: sign in again.' });
    const state = await h.service.state();
    expect(state.sync.signInAgain).toBe(true);
    expect(state.account?.email).toBe('freelancer@demo.test');
    const signedOut = expectOk(await h.service.invoke('auth:sign-out', {}));
    expect(signedOut.sync.signInAgain).toBe(false);
    expect(signedOut.account).toBeNull();
  });
});
