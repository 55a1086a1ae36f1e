import { ApiClient } from './api-client.js';
import type { Credentials } from './credentials.js';
import { ApiRequestError, describeFailure } from './errors.js';
import { checkServerUrl } from './server-url.js';

/** A person waits on sign-out: give up on the server within seconds, the local sign-out never waits on it. */
const SIGN_OUT_TIMEOUT_MS = 10_000;

/**
 * What became of the token (or, everywhere, of every token of the person) on the server. `revoked`: it no longer
 * works anywhere (for one token, also when the server had already ended it: expired or revoked before).
 * `not-told`: the server could not be reached or refused; the token stays valid there until it expires, so the
 * person should know. `already-ended` (everywhere only): the server no longer knew this token, so it could not end
 * the person's other sign-ins with it.
 */
export type ServerSignOut =
  | { readonly outcome: 'revoked' }
  | { readonly outcome: 'not-told'; readonly reason: string; readonly validUntil: string }
  | { readonly outcome: 'already-ended' };

/**
 * Best effort: asks the server to revoke the stored token (DELETE /auth/token), or every token of the person
 * (`everywhere`: DELETE /auth/tokens). Never throws: signing out locally must work offline too, so callers forget
 * the token whatever this answers.
 */
export async function revokeOnServer(credentials: Credentials, options: { timeoutMs?: number; everywhere?: boolean } = {}): Promise<ServerSignOut> {
  const notTold = (reason: string): ServerSignOut => ({ outcome: 'not-told', reason, validUntil: credentials.expiresAt });
  let client: ApiClient;
  try {
    client = new ApiClient({ serverUrl: checkServerUrl(credentials.server), token: credentials.token, timeoutMs: options.timeoutMs ?? SIGN_OUT_TIMEOUT_MS });
  } catch (error) {
    return notTold(error instanceof Error ? error.message : String(error));
  }
  try {
    await (options.everywhere ? client.revokeAllTokens() : client.revokeToken());
    return { outcome: 'revoked' };
  } catch (error) {
    if (!(error instanceof ApiRequestError)) return notTold(error instanceof Error ? error.message : String(error));
    // 401: the server does not know this token any more (expired, or revoked already): nothing is left of it to
    // revoke, but it cannot speak for the person's other sign-ins either.
    if (error.failure.kind === 'http' && error.failure.status === 401) return options.everywhere ? { outcome: 'already-ended' } : { outcome: 'revoked' };
    return notTold(describeFailure(error.failure));
  }
}

/** The sentence a person reads when the server could not be told, for the CLI and the app alike. */
export function notToldWords(server: string, result: Extract<ServerSignOut, { outcome: 'not-told' }>): string {
  return `Signed out on this computer, but ${server} could not be told (${result.reason}): that sign-in stays valid on the server until ${result.validUntil}.`;
}

/** What a person reads after signing out everywhere (`worktrace logout --everywhere`). */
export function everywhereWords(credentials: Credentials, result: ServerSignOut): string {
  switch (result.outcome) {
    case 'revoked':
      return `Signed out of ${credentials.server} everywhere: no sign-in of ${credentials.email} works any more, on any computer or browser.`;
    case 'already-ended':
      return `Signed out on this computer, but ${credentials.server} had already ended this sign-in, so it could not end your others: sign in again, then sign out everywhere.`;
    case 'not-told':
      return `${notToldWords(credentials.server, result)} Your other sign-ins were not ended: try again when the server can be reached.`;
  }
}

/**
 * Signing in again replaces the sign-in stored on this computer: the server is asked to end the replaced one (best
 * effort). Returns what the person should read when it could not be ended, else null.
 */
export async function endReplacedSignIn(replaced: Credentials | null, options: { timeoutMs?: number } = {}): Promise<string | null> {
  if (!replaced) return null;
  const result = await revokeOnServer(replaced, options);
  if (result.outcome !== 'not-told') return null;
  return `The sign-in it replaces could not be ended on ${replaced.server} (${result.reason}): it stays valid there until ${result.validUntil}.`;
}
