import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CLI_PATH } from '../../support/cli.js';
import { requireTools } from '../../support/display.js';
import { waitUntil } from '../../support/wait.js';
import { runCliAsync } from '../sync/support/cli-async.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../sync/support/live-server.js';

interface Terminal {
  /** Everything the terminal showed: the program's output and whatever the terminal echoed of the typing. */
  screen(): string;
  type(text: string): void;
  exited: Promise<number | null>;
  /** Ends `script` and the CLI under it if a test left them running. */
  kill(): void;
}

/**
 * Runs the built CLI on a real pseudo-terminal (util-linux `script`: the CLI's stdin, stdout and stderr are the pty, so
 * stdin.isTTY holds and the kernel's line discipline echoes whatever the program does not turn off) and collects what
 * the terminal shows.
 */
function onTerminal(args: readonly string[], env: NodeJS.ProcessEnv): Terminal {
  const command = [process.execPath, CLI_PATH, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  return {
    screen: () => screen,
    type: (text) => child.stdin.write(text),
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** `worktrace login` asks a person at a terminal for the password without showing what they type. */
describe('worktrace login at a terminal', () => {
  let server: LiveServer;
  const dirs: string[] = [];
  const terminals: Terminal[] = [];
  const open = (args: readonly string[], env: NodeJS.ProcessEnv): Terminal => {
    const terminal = onTerminal(args, env);
    terminals.push(terminal);
    return terminal;
  };
  const dataDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-prompt-'));
    dirs.push(dir);
    return dir;
  };
  const envFor = (dir: string): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, WORKTRACE_DATA_DIR: dir, TERM: 'dumb' };
    delete env.WORKTRACE_PASSWORD;
    return env;
  };
  const { email, password } = DEMO_PASSWORDS.freelancer;

  beforeAll(async () => {
    assertBuilt();
    requireTools(['script']);
    server = await startLiveServer();
  });
  afterEach(() => {
    for (const terminal of terminals.splice(0)) terminal.kill();
  });
  afterAll(async () => {
    await server?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('prompts, does not echo the password as it is typed, and signs in', async () => {
    const dir = dataDir();
    const terminal = open(['login', '--server', server.url, '--email', email], envFor(dir));
    await waitUntil(() => terminal.screen().includes('Password: '), 'the password prompt');
    // Typed as a person types: one key at a time, then Enter (a carriage return from the terminal).
    for (const key of password) terminal.type(key);
    terminal.type('\r');
    expect(await terminal.exited, terminal.screen()).toBe(0);
    expect(terminal.screen()).toContain(`Signed in to ${server.url} as ${email}`);
    expect(terminal.screen()).not.toContain(password);
    // Not even a part of it, nor one mask character per key that would tell its length.
    expect(terminal.screen()).not.toContain(password.slice(-6));
    expect(terminal.screen()).not.toMatch(/\*{3,}/);
    expect((await runCliAsync(['contracts'], envFor(dir))).stdout).toContain('Demo contract');
  });

  it('Ctrl-C at the prompt shows nothing typed, signs nobody in, and says so in one line', async () => {
    const dir = dataDir();
    const terminal = open(['login', '--server', server.url, '--email', email], envFor(dir));
    await waitUntil(() => terminal.screen().includes('Password: '), 'the password prompt');
    terminal.type('demo-fr');
    terminal.type('\x03');
    expect(await terminal.exited, terminal.screen()).not.toBe(0);
    expect(terminal.screen()).toContain('Sign-in cancelled: no password was entered.');
    expect(terminal.screen()).not.toContain('demo-fr');
    expect(terminal.screen()).not.toMatch(/\n\s+at /); // no stack
    expect((await runCliAsync(['contracts'], envFor(dir))).status).not.toBe(0); // not signed in
  });

  it('still reads a piped password (no terminal) as before', async () => {
    const dir = dataDir();
    const piped = await runCliAsync(['login', '--server', server.url, '--email', email], envFor(dir), `${password}\n`);
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout).toContain(`Signed in to ${server.url} as ${email}`);
  });
});
