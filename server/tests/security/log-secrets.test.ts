import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createContract, ensureUser } from '../../src/domain/demo.js';
import { openRepositories } from '../../src/repository/index.js';
import { systemClock } from '../../src/support/system-clock.js';
import { testBackends } from '../support/backends.js';
import { stopProcess } from '../support/server-process.js';
import { sendRaw } from '../support/raw-http.js';
import { openPolicyStream } from '../support/sse.js';
import { fakeJpeg, segmentBody } from '../support/server.js';

/**
 * Issue 8, security: the server's log holds no token and no password. The real `worktrace-server`
 * runs with WORKTRACE_LOG_LEVEL=debug and its output going to a file, through a whole session —
 * sign-in, wrong passwords, uploads, a policy change, the policy stream, deletion, sign-out, and
 * clients that put a token where it does not belong — and then the file is searched for every token
 * and password used, raw and in every encoding a logger or a proxy might write it in.
 */
const REPO = join(import.meta.dirname, '..', '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The forms a secret can take in a log line. */
function encodingsOf(secret: string): Record<string, string> {
  const bytes = Buffer.from(secret, 'utf8');
  return {
    raw: secret,
    json: JSON.stringify(secret).slice(1, -1),
    url: encodeURIComponent(secret),
    form: encodeURIComponent(secret).replace(/%20/g, '+'),
    base64: bytes.toString('base64').replace(/=+$/, ''),
    base64url: bytes.toString('base64url'),
    hex: bytes.toString('hex'),
  };
}

async function startServer(logFile: string, args: string[]): Promise<{ child: ChildProcess; base: string }> {
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', join('server', 'src', 'cli', 'bin.ts'), 'serve', '--port', '0', ...args], {
    cwd: REPO,
    env: { ...process.env, WORKTRACE_LOG_LEVEL: 'debug' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  // Up to 2 minutes: tsx compiles the server on start, slow when the machine is loaded (30 s was not enough once).
  for (let i = 0; i < 2400; i += 1) {
    const match = /listening on (http:\/\/\S+\/api\/v1)/.exec(readFileSync(logFile, 'utf8'));
    if (match?.[1]) return { child, base: match[1] };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`worktrace-server did not start: ${readFileSync(logFile, 'utf8')}`);
}

describe.each(testBackends())('the server log on $name', (backend) => {
  const cleanup: Array<() => Promise<unknown> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('holds no token and no password after a whole session at debug level', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-log-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const databaseUrl = await backend.databaseUrl();
    // Accounts whose passwords appear nowhere but in this test: characters that encode differently everywhere.
    const secret = (name: string) => `${name} ${randomBytes(9).toString('base64')}/+=%&"ü€`;
    const passwords = { client: secret('client-pw'), freelancer: secret('freelancer-pw') };
    const repos = await openRepositories({ databaseUrl, dataDir, now: Date.now() });
    const client = await ensureUser(repos, systemClock, { email: 'log-client@test.example', password: passwords.client, name: 'Log Client' });
    const freelancer = await ensureUser(repos, systemClock, { email: 'log-freelancer@test.example', password: passwords.freelancer, name: 'Log Freelancer' });
    // Made an hour ago, so the minute uploaded below lies under its first policy.
    const anHourAgo = { ...systemClock, now: () => Date.now() - 3_600_000 };
    const contract = await createContract(repos, anHourAgo, { name: 'Logged', clientId: client.id, freelancerId: freelancer.id, segmentSeconds: 60, screenshots: 'on', retentionDays: 30 });
    await repos.close();

    const logFile = join(dataDir, 'server.log');
    // Invitations are mailed through an SMTP server that is not there: its password and the links must not leak either.
    const smtpPassword = secret('smtp-pw');
    const smtpUrl = `smtp://mailer:${encodeURIComponent(smtpPassword)}@127.0.0.1:9/`;
    const { child, base } = await startServer(logFile, ['--data-dir', dataDir, '--smtp', smtpUrl, ...(databaseUrl ? ['--database', databaseUrl] : [])]);
    cleanup.push(() => stopProcess(child));
    const call = async (method: string, path: string, init: { token?: string; json?: unknown; body?: Buffer; headers?: Record<string, string> } = {}) => {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      const body = init.json !== undefined ? JSON.stringify(init.json) : init.body ? new Uint8Array(init.body) : undefined;
      const response = await fetch(`${base}${path}`, { method, headers, body });
      const text = await response.text();
      return { status: response.status, json: text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : undefined };
    };
    const signIn = async (email: string, password: string) => call('POST', '/auth/token', { json: { email, password } });

    const wrongPasswords = [secret('wrong-1'), secret('wrong-2'), secret('unknown-user')];
    expect((await signIn(client.email, wrongPasswords[0]!)).status).toBe(401);
    expect((await signIn(freelancer.email, wrongPasswords[1]!)).status).toBe(401);
    expect((await signIn('nobody@test.example', wrongPasswords[2]!)).status).toBe(401);
    // A password in a body the server refuses (an extra field) is not logged either.
    expect((await call('POST', '/auth/token', { json: { email: client.email, password: passwords.client, remember: true } })).status).toBe(400);
    const clientLogin = await signIn(client.email, passwords.client);
    const freelancerLogin = await signIn(freelancer.email, passwords.freelancer);
    const spareLogin = await signIn(freelancer.email, passwords.freelancer);
    expect([clientLogin.status, freelancerLogin.status, spareLogin.status]).toEqual([200, 200, 200]);
    const tokens = { client: clientLogin.json.token as string, freelancer: freelancerLogin.json.token as string, spare: spareLogin.json.token as string };

    // Work: a segment and its screenshot, the policy stream, a policy change, the diary, the image, deletion.
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const segment = { ...segmentBody({ contractId: contract.id, startedAt: start, minutes: 1 }), lengthSeconds: 60 };
    expect((await call('PUT', `/segments/${segment.id}`, { token: tokens.freelancer, json: segment })).status).toBe(200);
    const shotId = segment.id.replace(/.$/, (c) => (c === 'Z' ? 'Y' : 'Z'));
    const upload = await call('PUT', `/screenshots/${shotId}`, {
      token: tokens.freelancer,
      body: fakeJpeg(),
      headers: { 'content-type': 'image/jpeg', 'x-worktrace-segment-id': segment.id, 'x-worktrace-captured-at': new Date(start + 5_000).toISOString() },
    });
    expect(upload.status).toBe(200);
    const stream = await openPolicyStream(`${base}/contracts/${contract.id}/policy/stream`, tokens.freelancer);
    await stream.received(1);
    expect((await call('PUT', `/contracts/${contract.id}/policy`, { token: tokens.client, json: { screenshots: 'blurred' } })).status).toBe(200);
    await stream.received(2);
    stream.close();
    expect((await call('GET', `/contracts/${contract.id}/diary`, { token: tokens.client })).status).toBe(200);
    expect((await call('GET', `/screenshots/${shotId}`, { token: tokens.client })).status).toBe(200);
    expect((await call('DELETE', `/screenshots/${shotId}`, { token: tokens.client })).status).toBe(200);

    // Invitations: made (and not mailed), looked at, signed up with, accepted, declined, withdrawn; a password changed.
    const newcomerPassword = secret('arrival-pw');
    const invite = async (email: string) => {
      const made = await call('POST', '/contracts', { token: tokens.client, json: { name: 'Invited', freelancerEmail: email, screenshots: 'on', retentionDays: 30, timeZone: 'UTC' } });
      expect(made.status).toBe(201);
      expect(made.json.invitation.mailed).toBe(false);
      return { token: made.json.invitation.token as string, contractId: made.json.contract.id as string, id: made.json.invitation.id as string };
    };
    const accepted = await invite('newcomer@test.example');
    expect((await call('POST', '/invitations/lookup', { json: { token: accepted.token } })).status).toBe(200);
    const newcomer = await call('POST', '/auth/signup', { json: { email: 'newcomer@test.example', name: 'Newcomer', password: newcomerPassword, invitation: accepted.token } });
    expect(newcomer.status).toBe(200);
    expect((await call('POST', '/invitations/accept', { token: newcomer.json.token, json: { token: accepted.token } })).status).toBe(200);
    expect((await call('POST', '/invitations/accept', { token: newcomer.json.token, json: { token: accepted.token } })).status).toBe(410);
    const declined = await invite('decliner@test.example');
    expect((await call('POST', '/invitations/decline', { json: { token: declined.token } })).status).toBe(200);
    const withdrawn = await invite('withdrawn@test.example');
    expect((await call('DELETE', `/contracts/${withdrawn.contractId}/invitations/${withdrawn.id}`, { token: tokens.client })).status).toBe(200);
    expect((await call('POST', '/invitations/lookup', { json: { token: withdrawn.token } })).status).toBe(410);
    // An invitation token put in a query string, where the API never takes one.
    expect((await call('GET', `/contracts?invitation=${withdrawn.token}`, { token: tokens.client })).status).toBe(200);
    const changedPassword = secret('changed-pw');
    const wrongCurrent = secret('wrong-current');
    expect((await call('PUT', '/auth/password', { token: newcomer.json.token, json: { currentPassword: wrongCurrent, newPassword: changedPassword } })).status).toBe(403);
    const changed = await call('PUT', '/auth/password', { token: newcomer.json.token, json: { currentPassword: newcomerPassword, newPassword: changedPassword } });
    expect(changed.status).toBe(200);

    // Tokens where they do not belong: in the query string, under another scheme, malformed.
    expect((await call('GET', `/contracts?access_token=${encodeURIComponent(tokens.client)}&token=${tokens.client}`)).status).toBe(401);
    expect((await call('GET', '/contracts', { headers: { authorization: `Token ${tokens.client}` } })).status).toBe(401);
    expect((await call('GET', '/contracts', { headers: { authorization: `Bearer ${tokens.client}!` } })).status).toBe(401);
    // A token in a request Node's parser refuses (a control byte after it): logged as a parse error, without it.
    const malformed = await sendRaw(base.replace(/\/api\/v1$/, ''), { method: 'GET', target: '/api/v1/contracts', headers: [['authorization', `Bearer ${tokens.client}\u0001`]] });
    expect(malformed.status).toBe(400);
    // Sign-out, and the revoked token tried again.
    expect((await call('DELETE', '/auth/token', { token: tokens.spare })).status).toBe(204);
    expect((await call('GET', '/contracts', { token: tokens.spare })).status).toBe(401);

    expect(await stopProcess(child)).toBe(0);
    const log = readFileSync(logFile, 'utf8');
    // The search is not vacuous: the session is in the log, request by request.
    expect(log).toContain('signed in');
    expect(log).toContain('policy changed');
    expect(log).toContain('the invitation mail was not sent');
    expect(log).toContain('invitation accepted');
    expect(log).toContain('"url":"/api/v1/contracts?[redacted]&[redacted]"');
    expect(log).toContain('malformed HTTP request refused');
    expect(log.split('\n').filter((line) => line.includes('"reqId"')).length).toBeGreaterThan(20);
    const leaks: string[] = [];
    const secrets = new Map<string, string>([
      ...Object.entries(tokens).map(([who, token]) => [`${who} token`, token] as const),
      ...Object.entries(passwords).map(([who, password]) => [`${who} password`, password] as const),
      ...wrongPasswords.map((password, i) => [`wrong password ${i + 1}`, password] as const),
      ['newcomer token', newcomer.json.token as string],
      ['token after the password change', changed.json.session.token as string],
      ['accepted invitation', accepted.token],
      ['declined invitation', declined.token],
      ['withdrawn invitation', withdrawn.token],
      ['newcomer password', newcomerPassword],
      ['changed password', changedPassword],
      ['wrong current password', wrongCurrent],
      ['SMTP password', smtpPassword],
    ]);
    expect(secrets.size).toBe(17);
    for (const [name, value] of secrets) {
      for (const [encoding, form] of Object.entries(encodingsOf(value))) {
        // Each token and password is long and random: 16 characters of one are already a leak.
        for (const piece of [form, form.slice(0, 16), form.slice(-16)]) {
          if (log.includes(piece)) leaks.push(`${name} (${encoding}): …${log.slice(Math.max(0, log.indexOf(piece) - 80), log.indexOf(piece) + 20)}…`);
        }
      }
    }
    expect(leaks).toEqual([]);
  }, 120_000);
});
