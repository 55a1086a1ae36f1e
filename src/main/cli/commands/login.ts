import { read } from 'read';
import { z } from 'zod';
import { resolveDataDir } from '../../config/data-dir.js';
import { ApiClient, CredentialsStore, SyncError, checkServerUrl, endReplacedSignIn, toUserError, type Credentials } from '../../sync/index.js';
import type { CommandContext } from '../context.js';

export interface LoginOptions {
  readonly dataDir: string | undefined;
  readonly server: string;
  readonly email: string;
}

/**
 * `worktrace login --server URL --email EMAIL`: the password comes from WORKTRACE_PASSWORD or stdin, never from
 * argv (where every user of the machine could read it in the process list). The token goes to a 0600 file in
 * the data directory; the one it replaces is ended on its server (best effort: when that fails, it says so).
 */
export async function runLogin(context: CommandContext, options: LoginOptions): Promise<void> {
  const server = checkServerUrl(options.server);
  if (!z.email().safeParse(options.email).success) {
    throw new SyncError('INVALID_CREDENTIALS', `"${options.email}" is not an email address.`);
  }
  const password = context.env.WORKTRACE_PASSWORD ?? (await readPassword(context));
  if (!password) {
    throw new SyncError('PASSWORD_MISSING', 'No password: pipe it on stdin or set WORKTRACE_PASSWORD (never on the command line).');
  }
  const store = new CredentialsStore(resolveDataDir(options.dataDir, context.env));
  let answer;
  try {
    answer = await new ApiClient({ serverUrl: server }).login(options.email, password);
  } catch (error) {
    throw toUserError(error, server);
  }
  const replaced = storedSignIn(store);
  store.write({ server, email: answer.user.email, userId: answer.user.id, token: answer.token, expiresAt: answer.expiresAt });
  context.logger.info({ server, userId: answer.user.id }, 'signed in');
  context.stdout.write(`Signed in to ${server} as ${answer.user.email} until ${answer.expiresAt}.\n`);
  // The replaced token is forgotten here: nothing would ever use or revoke it again, so it is ended now.
  if (!replaced) return;
  const notEnded = await endReplacedSignIn(replaced);
  context.logger.info({ server: replaced.server, ended: notEnded === null }, 'the sign-in replaced was ended on its server');
  if (notEnded) context.stdout.write(`${notEnded}\n`);
}

/** The sign-in stored now, if one can be read (a damaged file holds no token to end). */
function storedSignIn(store: CredentialsStore): Credentials | null {
  try {
    return store.read();
  } catch {
    return null;
  }
}

/**
 * The password: typed at a prompt that does not echo when a person is at a terminal (npm's `read`: the terminal in raw
 * mode, nothing of the typing shown, not even one mask character per key), else the first line of stdin (a pipe).
 */
async function readPassword(context: CommandContext): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    let typed: string;
    try {
      typed = await read({ prompt: 'Password:', silent: true, input: stdin, output: context.stderr, terminal: true });
    } catch {
      // Ctrl-C: readline has already given the terminal back as it was (echo on).
      throw new SyncError('PASSWORD_MISSING', 'Sign-in cancelled: no password was entered.');
    } finally {
      context.stderr.write('\n'); // the Enter (or ^C) was not echoed either: the next line starts on its own
    }
    return typed.trim();
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(Buffer.from(chunk as Buffer));
    if (Buffer.concat(chunks).includes(0x0a)) break;
  }
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trim();
}
