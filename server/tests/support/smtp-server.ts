import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

/** Quoted-printable as nodemailer writes long lines: soft line breaks, then =XX bytes. */
function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** RFC 2047 encoded words in a header (=?UTF-8?Q?…?= and =?UTF-8?B?…?=), as nodemailer writes long or quoted ones. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?') // whitespace between encoded words is not part of the text
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, kind: string, data: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

function parseMail(raw: string): ReceivedMail {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const cut = line.indexOf(':');
    if (cut > 0) headers[line.slice(0, cut).trim().toLowerCase()] = decodeWords(line.slice(cut + 1).trim());
  }
  const body = rest.join('\n\n');
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text = encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { headers, text: text.replace(/\r\n/g, '\n') };
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
  const mails = (): ReceivedMail[] => {
    const fresh = join(maildir, 'new');
    if (!existsSync(fresh)) return [];
    return readdirSync(fresh)
      .sort()
      .map((name) => parseMail(readFileSync(join(fresh, name), 'utf8')));
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async received(count, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const got = mails();
        if (got.length >= count) return got;
        if (Date.now() > until) throw new Error(`${got.length} mail(s) arrived, waited for ${count}`);
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
