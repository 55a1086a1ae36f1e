import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { accept, contractBody, signedInAccount } from '../support/contracts.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

/**
 * Issue 13: with --smtp the server mails the invitation (nodemailer) to a real SMTP server this test starts
 * (aiosmtpd); the link in the received mail is followed: it opens the dashboard, and its token signs the invited
 * person up and accepts.
 */
describe.each(testBackends())('invitations by mail on $name', (backend) => {
  let smtp: TestSmtpServer;
  let server: TestServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer(backend, { smtpUrl: smtp.url, mailFrom: 'Worktrace <diary@test.example>' });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  it('mails the link to the invited address only; following it from the mail signs up and accepts', async () => {
    const client = await signedInAccount(server, 'client');
    const email = `mailed-${Date.now()}@test.example`;
    const made = await server.request('POST', '/api/v1/contracts', { token: client.token, json: contractBody(email, { name: 'Mailed contract' }) });
    expect(made.status).toBe(201);
    expect(made.json.invitation.mailed).toBe(true);

    const [mail] = await smtp.received(1);
    expect(mail!.headers.to).toBe(email);
    expect(mail!.headers.from).toBe('Worktrace <diary@test.example>');
    expect(mail!.headers.subject).toContain('"Mailed contract"');
    expect(mail!.headers['content-type']).toMatch(/^text\/plain/); // no HTML, no tracking pixel
    const links = mail!.text.match(/^http\S+$/gm) ?? [];
    expect(links).toEqual([made.json.invitation.link]);
    expect(mail!.text).toContain(client.email);

    // The link opens the dashboard on this server; the token travels in the fragment, which the browser keeps.
    const link = new URL(links[0]!);
    expect(link.origin).toBe(server.baseUrl);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<main id="app"');
    const token = link.hash.replace(/^#\/invitation\//, '');
    expect((await server.request('POST', '/api/v1/invitations/lookup', { json: { token } })).json).toMatchObject({ email, contract: { name: 'Mailed contract' } });
    const signup = await server.request('POST', '/api/v1/auth/signup', { json: { email, name: 'Mailed Person', password: 'a long enough secret', invitation: token } });
    expect(signup.status).toBe(200);
    const contract = await accept(server, { ...signup.json.user, token: signup.json.token, password: '' }, token);
    expect(contract.policy.contract.state).toBe('active');

    // A second invitation of the same contract is not possible any more; a new contract mails a new link.
    const other = await signedInAccount(server, 'someone');
    await server.request('POST', '/api/v1/contracts', { token: client.token, json: contractBody(other.email) });
    const mails = await smtp.received(2);
    expect(mails[1]!.headers.to).toBe(other.email);
    expect(mails[1]!.text).not.toContain(token);
  });

  it('creates the invitation all the same when the mail server is down, and says it was not mailed', async () => {
    const down = await startTestServer(backend, { smtpUrl: 'smtp://127.0.0.1:9' });
    try {
      const client = await signedInAccount(down, 'client');
      const made = await down.request('POST', '/api/v1/contracts', { token: client.token, json: contractBody('unmailed@test.example') });
      expect(made.status).toBe(201);
      expect(made.json.invitation).toMatchObject({ mailed: false, state: 'pending' });
      expect(down.logs()).toContain('the invitation mail was not sent');
      expect(down.logs()).not.toContain(made.json.invitation.token);
    } finally {
      await down.close();
    }
  });
});
