import { existsSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runLogout } from '../../../src/main/cli/commands/logout.js';
import type { CommandContext } from '../../../src/main/cli/context.js';
import { createLogger } from '../../../src/main/log.js';
import { ApiClient, CredentialsStore, type Credentials } from '../../../src/main/sync/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { expectOk, openService } from '../../unit/main/app/support.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from './support/live-server.js';

/**
 * Sign-out tells the server (DELETE /auth/token revokes the token) and forgets the token here. Offline it still
 * forgets it, and says the server could not be told. The CLI's `logout` and the app's sign-out, against the real
 * server on loopback.
 */
describe('signing out', () => {
  let server: LiveServer;
  let dataDir: string;
  const clock = new FakeClock({ wallMs: Date.now() });

  beforeAll(async () => {
    server = await startLiveServer({ clock });
  });
  afterAll(async () => server?.close());
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** A real sign-in of the freelancer, stored as `login` stores it. */
  async function signedIn(serverUrl = server.url): Promise<Credentials> {
    dataDir = mkdtempSync(join(tmpdir(), 'wt-sign-out-'));
    const { email, password } = DEMO_PASSWORDS.freelancer;
    const answer = await new ApiClient({ serverUrl: server.url }).login(email, password);
    const credentials: Credentials = { server: serverUrl, email, userId: answer.user.id, role: 'freelancer', token: answer.token, expiresAt: answer.expiresAt };
    new CredentialsStore(dataDir).write(credentials);
    return credentials;
  }

  /** Runs `worktrace logout` in this process; returns what it printed and every log line. */
  async function logout(): Promise<{ stdout: string; logs: string }> {
    let stdout = '';
    let logs = '';
    const sink = (write: (s: string) => void) =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          write(chunk.toString('utf8'));
          done();
        },
      });
    const context: CommandContext = {
      stdout: sink((s) => (stdout += s)),
      stderr: sink((s) => (stdout += s)),
      env: {},
      clock,
      logger: createLogger({ level: 'debug', destination: sink((s) => (logs += s)) }),
      stopRequested: new Promise(() => undefined),
    };
    await runLogout(context, { dataDir });
    return { stdout, logs };
  }

  const contractsWith = async (token: string) => (await server.api('GET', '/contracts', { token })).status;

  /** A loopback address where nothing listens. */
  async function deadAddress(): Promise<string> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    return `http://127.0.0.1:${port}`;
  }

  it('`logout` revokes the token on the server and forgets it here; other sign-ins keep working', async () => {
    const other = await server.token('freelancer');
    const credentials = await signedIn();
    expect(await contractsWith(credentials.token)).toBe(200);
    const { stdout, logs } = await logout();
    expect(stdout).toBe(`Signed out of ${server.url}: this sign-in no longer works anywhere. Recorded time stays queued until you sign in again.\n`);
    expect(await contractsWith(credentials.token)).toBe(401);
    expect(await contractsWith(other)).toBe(200);
    expect(existsSync(new CredentialsStore(dataDir).file)).toBe(false);
    expect(logs).toContain('signed out');
    expect(logs).not.toContain(credentials.token);
    expect(server.logs()).not.toContain(credentials.token);
    expect((await logout()).stdout).toBe('Not signed in.\n');
  });

  it('`logout` offline forgets the token here and says the server could not be told', async () => {
    const credentials = await signedIn(await deadAddress());
    const { stdout } = await logout();
    expect(stdout).toMatch(/^Signed out on this computer, but http:\/\/127\.0\.0\.1:\d+ could not be told \(server unreachable \(ECONNREFUSED\)\)/);
    expect(stdout).toContain(`that sign-in stays valid on the server until ${credentials.expiresAt}.`);
    expect(existsSync(new CredentialsStore(dataDir).file)).toBe(false);
    // The token was never revoked: the real server still takes it (which is why the person is told).
    expect(await contractsWith(credentials.token)).toBe(200);
  });

  it('`logout` with a token the server already ended, or a damaged credentials file, still signs out', async () => {
    const credentials = await signedIn();
    await server.api('DELETE', '/auth/token', { token: credentials.token });
    expect((await logout()).stdout).toMatch(/^Signed out of /);
    await signedIn();
    writeFileSync(new CredentialsStore(dataDir).file, '{"server": "http://127.0.0.1:1", "tok');
    expect((await logout()).stdout).toMatch(/^Signed out \(the stored sign-in was damaged, so the server could not be told\)\./);
    expect(existsSync(new CredentialsStore(dataDir).file)).toBe(false);
  });

  it("the app's sign-out revokes the token; offline it signs out all the same and the sync view says the server was not told", async () => {
    const online = await signedIn();
    let h = await openService({ clock, dataDir });
    try {
      expect((await h.service.state()).account?.email).toBe(DEMO_PASSWORDS.freelancer.email);
      const state = expectOk(await h.service.invoke('auth:sign-out', {}));
      expect(state.account).toBeNull();
      expect(state.sync.lastError).toBeNull();
      expect(await contractsWith(online.token)).toBe(401);
    } finally {
      await h.service.close();
    }

    rmSync(dataDir, { recursive: true, force: true });
    const offline = await signedIn(await deadAddress());
    h = await openService({ clock, dataDir });
    try {
      const state = expectOk(await h.service.invoke('auth:sign-out', {}));
      expect(state.account).toBeNull();
      expect(state.sync.lastError).toMatch(/^Signed out on this computer, but http:\/\/127\.0\.0\.1:\d+ could not be told/);
      expect(new CredentialsStore(dataDir).read()).toBeNull();
      expect(await contractsWith(offline.token)).toBe(200);
    } finally {
      await h.service.close();
    }
  });
});
