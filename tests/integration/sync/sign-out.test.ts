import { existsSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runLogin } from '../../../src/main/cli/commands/login.js';
import { runLogout } from '../../../src/main/cli/commands/logout.js';
import type { CommandContext } from '../../../src/main/cli/context.js';
import { createLogger } from '../../../src/main/log.js';
import { ApiClient, CredentialsStore, type Credentials } from '../../../src/main/sync/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { expectOk, openService } from '../../unit/main/app/support.js';
import { runCliAsync } from './support/cli-async.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from './support/live-server.js';

/**
 * Sign-out tells the server (DELETE /auth/token revokes the token) and forgets the token here. Offline it still
 * forgets it, and says the server could not be told. Signing out everywhere (DELETE /auth/tokens) ends every
 * sign-in of the person; signing in again ends the sign-in it replaces. The CLI's `login` and `logout`, and the
 * app's sign-in and sign-out, against the real server on loopback.
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

  /** A CommandContext whose output and logs are collected. */
  function commandContext(env: Record<string, string> = {}) {
    const out = { stdout: '', logs: '' };
    const sink = (write: (s: string) => void) =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          write(chunk.toString('utf8'));
          done();
        },
      });
    const context: CommandContext = {
      stdout: sink((s) => (out.stdout += s)),
      stderr: sink((s) => (out.stdout += s)),
      env,
      clock,
      logger: createLogger({ level: 'debug', destination: sink((s) => (out.logs += s)) }),
      stopRequested: new Promise(() => undefined),
    };
    return { context, out };
  }

  /** Runs `worktrace logout [--everywhere]` in this process; returns what it printed and every log line. */
  async function logout(options: { everywhere?: boolean } = {}): Promise<{ stdout: string; logs: string }> {
    const { context, out } = commandContext();
    await runLogout(context, { dataDir, ...options });
    return out;
  }

  /** Runs `worktrace login` as the demo freelancer in this process (the password from WORKTRACE_PASSWORD). */
  async function login(): Promise<{ stdout: string; logs: string }> {
    const { email, password } = DEMO_PASSWORDS.freelancer;
    const { context, out } = commandContext({ WORKTRACE_PASSWORD: password });
    await runLogin(context, { dataDir, server: server.url, email });
    return out;
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
  it('`login` again ends the sign-in it replaces on the server; the new one works', async () => {
    const replaced = await signedIn();
    const { stdout, logs } = await login();
    // (No role in the line: an account has none; it is the client of one contract and the freelancer of another.)
    expect(stdout).toMatch(/^Signed in to http:\/\/127\.0\.0\.1:\d+ as freelancer@demo\.test until [^\n]+\.\n$/);
    const now = new CredentialsStore(dataDir).read();
    expect(now?.token).not.toBe(replaced.token);
    expect(await contractsWith(replaced.token)).toBe(401);
    expect(await contractsWith(now!.token)).toBe(200);
    expect(logs).toContain('the sign-in replaced was ended on its server');
    for (const token of [replaced.token, now!.token]) {
      expect(logs).not.toContain(token);
      expect(server.logs()).not.toContain(token);
    }
  });

  it('`login` again while the replaced sign-in’s server cannot be reached: signed in all the same, and told the old one stays valid', async () => {
    const dead = await deadAddress();
    const replaced = await signedIn(dead);
    const { stdout } = await login();
    const [signedInLine, notEnded] = stdout.trimEnd().split('\n');
    expect(signedInLine).toMatch(/^Signed in to /);
    expect(notEnded).toBe(`The sign-in it replaces could not be ended on ${dead} (server unreachable (ECONNREFUSED)): it stays valid there until ${replaced.expiresAt}.`);
    expect(new CredentialsStore(dataDir).read()?.server).toBe(server.url);
    // It was never ended (the server it named was not there), which is why the person is told.
    expect(await contractsWith(replaced.token)).toBe(200);
  });

  it('`logout --everywhere` ends every sign-in of the account, on any computer, and nobody else’s', async () => {
    const otherComputer = await server.token('freelancer');
    const client = await server.token('client');
    const credentials = await signedIn();
    // The built CLI, so the flag is parsed as a person types it.
    const run = await runCliAsync(['--data-dir', dataDir, 'logout', '--everywhere'], { ...process.env, WORKTRACE_LOG_LEVEL: 'silent' });
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toBe(
      `Signed out of ${server.url} everywhere: no sign-in of freelancer@demo.test works any more, on any computer or browser. Recorded time stays queued until you sign in again.\n`,
    );
    expect(await contractsWith(credentials.token)).toBe(401);
    expect(await contractsWith(otherComputer)).toBe(401);
    expect(await contractsWith(client)).toBe(200);
    expect(existsSync(new CredentialsStore(dataDir).file)).toBe(false);
    expect(server.logs()).toContain('signed out everywhere');
    expect(server.logs()).not.toContain(credentials.token);
    expect((await logout({ everywhere: true })).stdout).toBe('Not signed in: sign in first to sign out everywhere.\n');
  });

  it('`logout --everywhere` offline, or with a sign-in the server already ended, signs out here and says the others were not ended', async () => {
    const otherComputer = await server.token('freelancer');
    const offline = await signedIn(await deadAddress());
    const unreachable = await logout({ everywhere: true });
    expect(unreachable.stdout).toMatch(/^Signed out on this computer, but http:\/\/127\.0\.0\.1:\d+ could not be told \(server unreachable \(ECONNREFUSED\)\)/);
    expect(unreachable.stdout).toContain('Your other sign-ins were not ended: try again when the server can be reached.');
    expect(existsSync(new CredentialsStore(dataDir).file)).toBe(false);
    expect(await contractsWith(offline.token)).toBe(200);
    expect(await contractsWith(otherComputer)).toBe(200);

    const ended = await signedIn();
    await server.api('DELETE', '/auth/token', { token: ended.token });
    expect((await logout({ everywhere: true })).stdout).toBe(
      `Signed out on this computer, but ${server.url} had already ended this sign-in, so it could not end your others: sign in again, then sign out everywhere. Recorded time stays queued until you sign in again.\n`,
    );
    expect(await contractsWith(otherComputer)).toBe(200);
  });

  it("the app's sign-in ends the sign-in it replaces; when that one's server cannot be reached, the sync view says so", async () => {
    const { email, password } = DEMO_PASSWORDS.freelancer;
    const replaced = await signedIn();
    let h = await openService({ clock, dataDir });
    try {
      const state = expectOk(await h.service.invoke('auth:sign-in', { serverUrl: server.url, email, password }));
      expect(state.account?.email).toBe(email);
      expect(state.sync.lastError).toBeNull();
      expect(await contractsWith(replaced.token)).toBe(401);
      expect(await contractsWith(new CredentialsStore(dataDir).read()!.token)).toBe(200);
    } finally {
      await h.service.close();
    }

    rmSync(dataDir, { recursive: true, force: true });
    const dead = await deadAddress();
    const unreachable = await signedIn(dead);
    h = await openService({ clock, dataDir });
    try {
      const state = expectOk(await h.service.invoke('auth:sign-in', { serverUrl: server.url, email, password }));
      expect(state.account?.serverUrl).toBe(server.url);
      expect(state.sync.lastError).toBe(`The sign-in it replaces could not be ended on ${dead} (server unreachable (ECONNREFUSED)): it stays valid there until ${unreachable.expiresAt}.`);
      expect(await contractsWith(unreachable.token)).toBe(200);
    } finally {
      await h.service.close();
    }
  });
});
