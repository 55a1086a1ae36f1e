import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's python3 (python3-aiosmtpd installs for it); WORKTRACE_PYTHON points elsewhere. */
const PYTHON = process.env.WORKTRACE_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

/** A mail as the SMTP server received it: headers (lower-case names) and the decoded text body. */
export interface ReceivedMail {
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

export interface TestSmtpServer {
  readonly url: string;
  /** Mails delivered so far, oldest first. */
  mails(): ReceivedMail[];
  /** Waits until `count` mails arrived. */
  received(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * Python's own mail parser (the standard library's `email`, policy.default) reads the maildir: it decodes headers
 * (RFC 2047 words) and bodies (quoted-printable, base64) as mail readers do, so the test reads what a person would.
 */
const READ_MAILDIR = `
import email, email.policy, json, os, sys
mails = []
for name in sorted(os.listdir(sys.argv[1])):
    with open(os.path.join(sys.argv[1], name), 'rb') as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    body = message.get_body(preferencelist=('plain',))
    mails.append({'headers': {k.lower(): str(v) for k, v in message.items()}, 'text': body.get_content() if body else ''})
print(json.dumps(mails))
`;

function readMaildir(dir: string): ReceivedMail[] {
  const read = spawnSync(PYTHON, ['-c', READ_MAILDIR, dir], { encoding: 'utf8' });
  if (read.status !== 0) throw new Error(`could not read the maildir ${dir}: ${read.stderr}`);
  return (JSON.parse(read.stdout) as ReceivedMail[]).map((mail) => ({ ...mail, text: mail.text.replace(/\r\n/g, '\n') }));
}

/**
 * A real SMTP server (aiosmtpd, Debian's python3-aiosmtpd) on a loopback port, delivering into a maildir the test
 * reads. Missing aiosmtpd fails the test, in CI and out of it: scripts/setup.sh installs it.
 */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const check = spawnSync(PYTHON, ['-c', 'import aiosmtpd'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`aiosmtpd is not installed for ${PYTHON}: apt-get install python3-aiosmtpd (scripts/setup.sh does)`);
  const dir = mkdtempSync(join(tmpdir(), 'wt-smtp-'));
  const maildir = join(dir, 'maildir');
  const port = await freePort();
  const child: ChildProcess = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (errors += c));
  const deadline = Date.now() + 20_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`aiosmtpd did not start on port ${port}: ${errors}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const fresh = join(maildir, 'new');
  const delivered = (): number => (existsSync(fresh) ? readdirSync(fresh).length : 0);
  const mails = (): ReceivedMail[] => (delivered() === 0 ? [] : readMaildir(fresh));
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async received(count, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        if (delivered() >= count) return mails();
        if (Date.now() > until) throw new Error(`${delivered()} mail(s) arrived, waited for ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
