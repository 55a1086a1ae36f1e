import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { personNameSchema } from '../../../src/shared/protocol/api/index.js';
import type { Repositories } from '../repository/index.js';
import { AccountExistsError, createAccount, disableAccount } from '../domain/accounts.js';
import { ApiError } from '../errors.js';
import { systemClock } from '../support/system-clock.js';

/** An operator's mistake with an account, said in one line (exit 1). */
export class UserCommandError extends Error {
  override readonly name = 'UserCommandError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `user add`: the self-hoster's way in (the first client, or anyone under --signup closed). */
export async function addUser(repos: Repositories, account: { email: string; name: string; password: string }): Promise<string> {
  if (!personNameSchema.safeParse(account.name).success) throw new UserCommandError('NAME_INVALID', 'give the person a name of plain text: --name "Ada Lovelace"');
  try {
    // One account at a time: the operator's command needs no queue in front of scrypt.
    const user = await createAccount(repos, { hash: hashPassword, verify: verifyPassword }, systemClock, account);
    return `account ${user.email} (${user.name}) created: ${user.id}`;
  } catch (error) {
    if (error instanceof AccountExistsError) throw new UserCommandError(error.code, error.message);
    if (error instanceof ApiError) throw new UserCommandError(error.code, `${error.message.replace(/^choose another password: /, 'the password will not do: ')}`);
    throw error;
  }
}

/** `user list`: one line per account, disabled ones marked. */
export async function listUsers(repos: Repositories): Promise<string[]> {
  const users = await repos.users.list();
  if (users.length === 0) return ['no accounts yet: add one with `worktrace-server user add --email E --name N`'];
  return users.map(
    (u) => `${u.id}  ${u.email}  ${u.name || '-'}  created ${new Date(u.createdAt).toISOString()}${u.disabledAt === null ? '' : `  DISABLED ${new Date(u.disabledAt).toISOString()}`}`,
  );
}

/** `user disable`: the account signs in nowhere any more and its tokens stop at once (a running server included). */
export async function disableUser(repos: Repositories, email: string): Promise<string> {
  const user = await disableAccount(repos, systemClock, email);
  if (!user) throw new UserCommandError('USER_NOT_FOUND', `there is no account for ${email.toLowerCase()}`);
  return user.disabledAt === null ? `account ${user.email} disabled: its sign-ins were revoked` : `account ${user.email} was disabled already`;
}
