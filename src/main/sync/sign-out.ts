import { ApiClient } from './api-client.js';
import type { Credentials } from './credentials.js';
import { ApiRequestError, describeFailure } from './errors.js';
import { checkServerUrl } from './server-url.js';

/** A person waits on sign-out: give up on the server within seconds, the local sign-out never waits on it. */
const SIGN_OUT_TIMEOUT_MS = 10_000;

/**
 * What became of the token on the server. `revoked`: it no longer works anywhere (also when the server had already
 * ended it: expired or revoked before). `not-told`: the server could not be reached or refused; the token stays
 * valid there until it expires, so the person should know.
 */
export type ServerSignOut =
  | { readonly outcome: 'revoked' }
  | { readonly outcome: 'not-told'; readonly reason: string; readonly validUntil: string };

/**
 * Best effort: asks the server to revoke the stored token (DELETE /auth/token). Never throws: signing out locally
 * must work offline too, so callers forget the token whatever this answers.
 */
export async function revokeOnServer(credentials: Credentials, options: { timeoutMs?: number } = {}): Promise<ServerSignOut> {
  const notTold = (reason: string): ServerSignOut => ({ outcome: 'not-told', reason, validUntil: credentials.expiresAt });
  let client: ApiClient;
  try {
    client = new ApiClient({ serverUrl: checkServerUrl(credentials.server), token: credentials.token, timeoutMs: options.timeoutMs ?? SIGN_OUT_TIMEOUT_MS });
  } catch (error) {
    return notTold(error instanceof Error ? error.message : String(error));
  }
  try {
    await client.revokeToken();
    return { outcome: 'revoked' };
  } catch (error) {
    if (!(error instanceof ApiRequestError)) return notTold(error instanceof Error ? error.message : String(error));
    // 401: the server does not know this token any more (expired, or revoked already): nothing is left to revoke.
    if (error.failure.kind === 'http' && error.failure.status === 401) return { outcome: 'revoked' };
    return notTold(describeFailure(error.failure));
  }
}

/** The sentence a person reads when the server could not be told, for the CLI and the app alike. */
export function notToldWords(server: string, result: Extract<ServerSignOut, { outcome: 'not-told' }>): string {
  return `Signed out on this computer, but ${server} could not be told (${result.reason}): that sign-in stays valid on the server until ${result.validUntil}.`;
}
