import { ulid } from 'ulid';
import type { Clock } from '../../../src/shared/clock.js';
import { passwordProblem } from '../../../src/shared/protocol/api/index.js';
import { decoyHash, type PasswordHasher } from '../auth/passwords.js';
import { ApiError, badRequest } from '../errors.js';
import type { RepositorySet, UserRow } from '../repository/index.js';

/** Password hashing and checks: the server's capped queue (PasswordHasher), so a flood of sign-ups waits its turn too. */
export type Passwords = Pick<PasswordHasher, 'hash' | 'verify'>;

export interface NewAccount {
  readonly email: string;
  readonly name: string;
  readonly password: string;
}

/** The password rules as an API error (400 WEAK_PASSWORD, the message says which rule). */
export function checkPassword(password: string, person: { email: string; name?: string }): void {
  const problem = passwordProblem(password, person);
  if (problem) throw badRequest('WEAK_PASSWORD', `choose another password: ${problem}`);
}

/** Thrown when the email has an account already (only the operator's CLI says so: the API never does). */
export class AccountExistsError extends Error {
  override readonly name = 'AccountExistsError';
  readonly code = 'ACCOUNT_EXISTS';
}

/**
 * Makes an account after checking the password rules. The operator's `user add` and sign-up both come here. The
 * email is stored lower case: one address, one account, in any letter case.
 */
export async function createAccount(repos: RepositorySet, passwords: Passwords, clock: Clock, account: NewAccount): Promise<UserRow> {
  const email = account.email.trim().toLowerCase();
  const name = account.name.trim();
  checkPassword(account.password, { email, name });
  if (await repos.users.findByEmail(email)) throw new AccountExistsError(`there is an account for ${email} already`);
  const user: UserRow = { id: ulid(clock.now()), email, name, passwordHash: await passwords.hash(account.password), createdAt: clock.now(), disabledAt: null };
  await repos.users.create(user);
  return user;
}

/**
 * The account with this email and password; undefined when there is none, the password is wrong or the account is
 * disabled. A decoy hash is checked when there is no account, so every failure costs the same time.
 */
export async function accountWithPassword(repos: RepositorySet, passwords: Passwords, email: string, password: string): Promise<UserRow | undefined> {
  const user = await repos.users.findByEmail(email);
  const ok = await passwords.verify(password, user?.passwordHash ?? (await decoyHash()));
  return user && ok && user.disabledAt === null ? user : undefined;
}

/**
 * Sign-up that is no oracle: for an email with an account it is a sign-in with the given password (wrong: the same
 * 401 as a failed sign-in), else the account is made. The caller cannot tell the two apart by the answer, and the
 * password rules are checked first either way, so a weak password is refused alike for both.
 */
export async function signUpOrSignIn(repos: RepositorySet, passwords: Passwords, clock: Clock, account: NewAccount): Promise<{ user: UserRow; created: boolean }> {
  checkPassword(account.password, { email: account.email, name: account.name });
  const existing = await repos.users.findByEmail(account.email);
  if (existing) {
    const user = await accountWithPassword(repos, passwords, account.email, account.password);
    if (!user) throw new ApiError(401, 'INVALID_CREDENTIALS', 'wrong email or password');
    return { user, created: false };
  }
  try {
    return { user: await createAccount(repos, passwords, clock, account), created: true };
  } catch (error) {
    // Two sign-ups of one new email at once: the second finds the first's account, and signs in as above.
    if (!(error instanceof AccountExistsError)) throw error;
    const user = await accountWithPassword(repos, passwords, account.email, account.password);
    if (!user) throw new ApiError(401, 'INVALID_CREDENTIALS', 'wrong email or password');
    return { user, created: false };
  }
}

/**
 * A person changes their password: the current one proves it is them (403 INVALID_CREDENTIALS otherwise: a 401
 * would read as "signed out"), the new one must pass the rules. Then every sign-in of theirs is revoked, the one
 * making the call included (sign out everywhere): whoever may have learnt the old password is out. The caller is
 * given a new session (startSession). Returns the account and how many tokens went.
 */
export async function changePassword(
  repos: RepositorySet,
  passwords: Passwords,
  caller: { id: string; email: string; name: string },
  change: { currentPassword: string; newPassword: string },
): Promise<{ user: UserRow; revoked: number }> {
  const user = await accountWithPassword(repos, passwords, caller.email, change.currentPassword);
  if (!user || user.id !== caller.id) throw new ApiError(403, 'INVALID_CREDENTIALS', 'the current password is not right');
  checkPassword(change.newPassword, { email: user.email, name: user.name });
  if (change.newPassword === change.currentPassword) throw badRequest('WEAK_PASSWORD', 'choose another password: the new one is the current one');
  await repos.users.setPassword(user.id, await passwords.hash(change.newPassword));
  return { user, revoked: await repos.tokens.revokeAll(user.id) };
}

/** The operator disables an account: it signs in nowhere from now on, and every token it has stops at once. */
export async function disableAccount(repos: RepositorySet, clock: Clock, email: string): Promise<UserRow | undefined> {
  const user = await repos.users.findByEmail(email);
  if (!user) return undefined;
  await repos.users.disable(user.id, clock.now());
  await repos.tokens.revokeAll(user.id);
  return user;
}
