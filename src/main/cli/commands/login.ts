import { z } from 'zod';
import { resolveDataDir } from '../../config/data-dir.js';
import { ApiClient, CredentialsStore, SyncError, checkServerUrl, toUserError } from '../../sync/index.js';
import type { CommandContext } from '../context.js';

export interface LoginOptions {
  readonly dataDir: string | undefined;
  readonly server: string;
  readonly email: string;
}

/**
 * `worktrace login --server URL --email EMAIL`: the password comes from WORKTRACE_PASSWORD or stdin, never from
 * argv (where every user of the machine could read it in the process list). The token goes to a 0600 file in
 * the data directory.
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
  store.write({ server, email: answer.user.email, userId: answer.user.id, role: answer.user.role, token: answer.token, expiresAt: answer.expiresAt });
  context.logger.info({ server, userId: answer.user.id }, 'signed in');
  context.stdout.write(`Signed in to ${server} as ${answer.user.email} (${answer.user.role}) until ${answer.expiresAt}.\n`);
}

/** The first line of stdin (a prompt on stderr when a person is typing). */
async function readPassword(context: CommandContext): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) context.stderr.write('Password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(Buffer.from(chunk as Buffer));
    if (Buffer.concat(chunks).includes(0x0a)) break;
  }
  if (stdin.isTTY) stdin.pause();
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trim();
}
