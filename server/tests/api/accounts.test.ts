import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { runServerCommand } from '../support/server-process.js';
import { activeContract, signedInAccount } from '../support/contracts.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Issue 13, accounts: the operator's `user add / list / disable` (password from stdin or the environment, never
 * argv), and a person's password change, which signs out their other sessions.
 */
describe.each(testBackends())('accounts on $name', (backend) => {
  let server: TestServer;
  const dbArgs = () => ['--data-dir', server.dataDir, ...(server.databaseUrl ? ['--database', server.databaseUrl] : [])];

  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => server?.close());

  it('user add makes an account from a piped password (never argv), user list shows it, the rules and duplicates are refused', async () => {
    const added = await runServerCommand(['user', 'add', '--email', 'Owner@Example.com', '--name', 'Olga Owner', ...dbArgs()], { stdin: 'correct horse battery\n' });
    expect(added.stderr).toBe('');
    expect([added.code, added.stdout]).toEqual([0, expect.stringMatching(/^account owner@example\.com \(Olga Owner\) created: [0-9A-Z]{26}\n$/)]);
    const login = await server.request('POST', '/api/v1/auth/token', { json: { email: 'owner@example.com', password: 'correct horse battery' } });
    expect(login.status).toBe(200);
    expect(login.json.user).toMatchObject({ email: 'owner@example.com', name: 'Olga Owner' });

    const fromEnv = await runServerCommand(['user', 'add', '--email', 'env@example.com', '--name', 'Env Person', ...dbArgs()], { env: { WORKTRACE_PASSWORD: 'taken from the shell' } });
    expect(fromEnv.code).toBe(0);
    const weak = await runServerCommand(['user', 'add', '--email', 'weak@example.com', '--name', 'Weak', ...dbArgs()], { stdin: 'short\n' });
    expect([weak.code, weak.stderr]).toEqual([1, 'worktrace-server: the password will not do: use at least 10 characters (WEAK_PASSWORD)\n']);
    const twice = await runServerCommand(['user', 'add', '--email', 'OWNER@example.com', '--name', 'Again', ...dbArgs()], { stdin: 'another long secret\n' });
    expect([twice.code, twice.stderr]).toEqual([1, 'worktrace-server: there is an account for owner@example.com already (ACCOUNT_EXISTS)\n']);
    const argv = await runServerCommand(['user', 'add', '--email', 'argv@example.com', '--name', 'Argv', '--password', 'on the command line', ...dbArgs()]);
    expect(argv.code).toBe(2);
    expect(await server.repos.users.findByEmail('weak@example.com')).toBeUndefined();
    expect(await server.repos.users.findByEmail('argv@example.com')).toBeUndefined();

    const list = await runServerCommand(['user', 'list', ...dbArgs()]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/owner@example\.com {2}Olga Owner/);
    expect(list.stdout).toMatch(/env@example\.com {2}Env Person/);
  }, 120_000);

  it("user disable stops the account's running sessions at once and its sign-ins for good", async () => {
    const client = await signedInAccount(server, 'client');
    const freelancer = await signedInAccount(server, 'leaver');
    const contractId = await activeContract(server, client, freelancer);
    expect((await server.request('GET', '/api/v1/contracts', { token: freelancer.token })).status).toBe(200);

    const disabled = await runServerCommand(['user', 'disable', '--email', freelancer.email, ...dbArgs()]);
    expect([disabled.code, disabled.stdout]).toEqual([0, `account ${freelancer.email} disabled: its sign-ins were revoked\n`]);
    // The running server refuses the token on the next request: no restart, no wait.
    expect((await server.request('GET', '/api/v1/contracts', { token: freelancer.token })).status).toBe(401);
    expect((await server.request('POST', '/api/v1/auth/token', { json: { email: freelancer.email, password: freelancer.password } })).status).toBe(401);
    // Nor does sign-up open the door again.
    expect((await server.request('POST', '/api/v1/auth/signup', { json: { email: freelancer.email, name: 'X', password: freelancer.password } })).status).toBe(403);
    // The contract and the client are untouched.
    expect((await server.request('GET', `/api/v1/contracts/${contractId}/policy`, { token: client.token })).status).toBe(200);
    expect((await runServerCommand(['user', 'list', ...dbArgs()])).stdout).toMatch(new RegExp(`${freelancer.email.replace(/\./g, '\\.')} .*DISABLED`));
    expect((await runServerCommand(['user', 'disable', '--email', 'nobody@example.com', ...dbArgs()])).code).toBe(1);
  }, 120_000);

  it('changes a password: the current one proves it, the rules apply, every session is signed out and the caller gets a new one', async () => {
    const person = await signedInAccount(server, 'changer');
    const laptop = (await server.request('POST', '/api/v1/auth/token', { json: { email: person.email, password: person.password } })).json.token as string;
    const change = (token: string, body: unknown) => server.request('PUT', '/api/v1/auth/password', { token, json: body });

    const wrong = await change(person.token, { currentPassword: 'not my password at all', newPassword: 'a brand new secret' });
    expect([wrong.status, wrong.json.error.code]).toEqual([403, 'INVALID_CREDENTIALS']);
    const weak = await change(person.token, { currentPassword: person.password, newPassword: 'short' });
    expect([weak.status, weak.json.error.code]).toEqual([400, 'WEAK_PASSWORD']);
    expect((await server.request('GET', '/api/v1/contracts', { token: laptop })).status).toBe(200); // refused changes sign nobody out

    const done = await change(person.token, { currentPassword: person.password, newPassword: 'a brand new secret' });
    expect(done.status).toBe(200);
    expect(done.json.revokedTokens).toBe(1); // the laptop; the calling session is replaced by a new one
    expect(done.json.session.user).toMatchObject({ id: person.id, email: person.email });
    // Every earlier token is gone (sign out everywhere); the new session works.
    expect((await server.request('GET', '/api/v1/contracts', { token: laptop })).status).toBe(401);
    expect((await server.request('GET', '/api/v1/contracts', { token: person.token })).status).toBe(401);
    expect((await server.request('GET', '/api/v1/contracts', { token: done.json.session.token })).status).toBe(200);
    expect((await server.request('POST', '/api/v1/auth/token', { json: { email: person.email, password: person.password } })).status).toBe(401);
    expect((await server.request('POST', '/api/v1/auth/token', { json: { email: person.email, password: 'a brand new secret' } })).status).toBe(200);
  });
});
