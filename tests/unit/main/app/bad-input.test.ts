import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appStateSchema } from '../../../../src/shared/ipc/index.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { expectError, expectOk, openService, type ServiceHarness } from './support.js';

/** A loopback port with nothing listening: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('AppService: bad input answers an error envelope, never a crash', () => {
  let h: ServiceHarness;
  let server: LiveServer;
  beforeAll(async () => {
    h = await openService();
    server = await startLiveServer();
  });
  afterAll(async () => {
    await h.dispose();
    await server.close();
  });

  it('refuses unknown channels and channel names that are not strings', async () => {
    for (const channel of ['nope', '__proto__', 'constructor', 'toString', 42, null, undefined, { a: 1 }]) {
      expect(expectError(await h.service.invoke(channel, {})).code).toBe('UNKNOWN_CHANNEL');
    }
  });

  it('refuses wrong types, extra fields and huge strings with a readable message', async () => {
    const bad: [string, unknown][] = [
      ['tracking:start', { contractId: 7, memo: null }],
      ['tracking:start', { contractId: 'x', memo: null, extra: true }],
      ['tracking:set-memo', { memo: 'm'.repeat(2001) }],
      ['auth:sign-in', { serverUrl: 'x'.repeat(5_000_000), email: 'a@b.c', password: 'p' }],
      ['screenshots:delete', { id: '../../etc/passwd' }],
      ['idle:decide', { decision: 'maybe' }],
      ['settings:launch-at-login', { enabled: 'yes' }],
      ['state:get', 'a string'],
      ['state:get', [1, 2]],
    ];
    for (const [channel, request] of bad) {
      const error = expectError(await h.service.invoke(channel, request));
      expect(error.code, channel).toBe('BAD_REQUEST');
      expect(error.message.length).toBeLessThanOrEqual(500);
    }
  });

  it('says what is wrong with a server URL that is not one, or plain HTTP to another machine', async () => {
    const notUrl = expectError(await h.service.invoke('auth:sign-in', { serverUrl: 'not a url', email: 'a@b.test', password: 'p' }));
    expect(notUrl).toMatchObject({ code: 'INVALID_SERVER_URL' });
    expect(notUrl.message).toMatch(/not a server address/);
    const plain = expectError(await h.service.invoke('auth:sign-in', { serverUrl: 'http://example.com', email: 'a@b.test', password: 'p' }));
    expect(plain.code).toBe('PLAIN_HTTP_REFUSED');
    const ftp = expectError(await h.service.invoke('auth:sign-in', { serverUrl: 'ftp://127.0.0.1', email: 'a@b.test', password: 'p' }));
    expect(ftp.code).toBe('INVALID_SERVER_URL');
  });

  it('reports an unreachable server and a wrong password in words, staying signed out', async () => {
    const port = await closedPort();
    const unreachable = expectError(await h.service.invoke('auth:sign-in', { serverUrl: `http://127.0.0.1:${port}`, email: 'a@b.test', password: 'p' }));
    expect(unreachable.code).toBe('SERVER_UNREACHABLE');
    expect(unreachable.message).toMatch(/Cannot reach/);
    const wrong = expectError(
      await h.service.invoke('auth:sign-in', { serverUrl: server.url, email: DEMO_PASSWORDS.freelancer.email, password: 'not-the-password' }),
    );
    expect(wrong).toEqual({ code: 'INVALID_CREDENTIALS', message: 'Wrong email or password: try again.' });
    expect((await h.service.state()).account).toBeNull();
  });

  it('needs a sign-in before contracts, tracking and sync', async () => {
    for (const [channel, request] of [
      ['contracts:refresh', {}],
      ['tracking:start', { contractId: '01JABCDEFGHJKMNPQRSTVWXYZ0', memo: null }],
      ['sync:now', {}],
      ['sync:retry-parked', {}],
    ] as const) {
      expect(expectError(await h.service.invoke(channel, request)).code).toBe('NOT_SIGNED_IN');
    }
    expect(expectError(await h.service.invoke('idle:decide', { decision: 'keep' })).code).toBe('NO_IDLE_PROMPT');
    expect(expectError(await h.service.invoke('screenshots:delete', { id: '01JABCDEFGHJKMNPQRSTVWXYZ0' })).code).toBe('SCREENSHOT_NOT_FOUND');
  });

  it('still answers a valid state after all that, matching the contract schema', async () => {
    const state = expectOk(await h.service.invoke('state:get', {}));
    expect(appStateSchema.parse(state)).toEqual(state);
    expect(state.tracking.status).toBe('stopped');
    const toggled = expectOk(await h.service.invoke('settings:launch-at-login', { enabled: true }));
    expect(toggled.launchAtLogin).toBe(true);
  });
});
