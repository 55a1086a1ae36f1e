import { z } from 'zod';
import type { InvokeRequest } from '../../shared/ipc/index.js';
import { sameAccount } from '../store/index.js';
import {
  ApiClient,
  ApiRequestError,
  SyncError,
  checkServerUrl,
  everywhereWords,
  notToldWords,
  revokeOnServer,
  toUserError,
  type Credentials,
} from '../sync/index.js';
import { AppError } from './errors.js';

/** A person waits on this: fail within seconds, not the sync layer's 30 s. */
const SIGN_IN_TIMEOUT_MS = 15_000;

/**
 * Checks what the person typed, then asks the server for a token. Every failure is a SyncError with a message for
 * the person: not a server address, plain HTTP to another machine, not an email, unreachable, wrong password.
 */
export async function signInToServer(request: InvokeRequest<'auth:sign-in'>): Promise<Credentials> {
  const server = checkServerUrl(request.serverUrl.trim());
  const email = request.email.trim();
  if (!z.email().safeParse(email).success) {
    throw new SyncError('INVALID_CREDENTIALS', 'That is not an email address: check it and try again.');
  }
  let answer;
  try {
    answer = await new ApiClient({ serverUrl: server, timeoutMs: SIGN_IN_TIMEOUT_MS }).login(email, request.password);
  } catch (error) {
    // No sign-in route there (404/405), or something in front refusing it (403): an address of some other server.
    // toUserError's wording for those speaks of contracts and CLI commands, which means nothing on a sign-in form.
    if (error instanceof ApiRequestError && error.failure.kind === 'http' && [403, 404, 405].includes(error.failure.status)) {
      throw new SyncError('BAD_ANSWER', `${server} does not answer like a Worktrace server (HTTP ${error.failure.status}): check the address.`, { cause: error });
    }
    throw toUserError(error, server);
  }
  return { server, email: answer.user.email, userId: answer.user.id, token: answer.token, expiresAt: answer.expiresAt };
}

/**
 * Sign-out's server half, best effort: the server revokes the token. Returns null when it did (or there was no
 * sign-in), else the sentence telling the person the server could not be told; the caller forgets the token either way.
 */
export async function signOutOfServer(credentials: Credentials | null): Promise<string | null> {
  if (!credentials) return null;
  const result = await revokeOnServer(credentials);
  return result.outcome === 'not-told' ? notToldWords(credentials.server, result) : null;
}

/**
 * Signing out everywhere, the server's half: every token of the person is revoked (best effort, as for one token).
 * Returns what the person reads: done everywhere, or why the server could not end the other sign-ins.
 */
export async function signOutEverywhereOnServer(credentials: Credentials): Promise<string> {
  return everywhereWords(credentials, await revokeOnServer(credentials, { everywhere: true }));
}

/** While tracking, only the account signed in now may sign in again: the running session records under it. */
export function refuseAnotherAccount(current: Credentials, request: InvokeRequest<'auth:sign-in'>): void {
  let server: string | null = null;
  try {
    server = checkServerUrl(request.serverUrl.trim());
  } catch {
    server = null; // not an address at all: certainly not this account's
  }
  if (server === current.server && request.email.trim().toLowerCase() === current.email.toLowerCase()) return;
  throw new AppError('ALREADY_TRACKING', 'Stop tracking before you sign in as another account (signing in again as this account keeps tracking).');
}

/** The server says this email now names another user: the session's account stays signed in, the new token goes. */
export async function refuseAnotherUser(current: Credentials, signedIn: Credentials): Promise<void> {
  if (sameAccount(current, { server: signedIn.server, userId: signedIn.userId })) return;
  await signOutOfServer(signedIn);
  throw new AppError('ALREADY_TRACKING', 'This email now belongs to another account on the server: stop tracking before you sign in as it.');
}
