import { resolveDataDir } from '../../config/data-dir.js';
import { CredentialsStore, everywhereWords, notToldWords, revokeOnServer, type Credentials } from '../../sync/index.js';
import type { CommandContext } from '../context.js';

const QUEUE_STAYS = 'Recorded time stays queued until you sign in again.';

export interface LogoutOptions {
  readonly dataDir: string | undefined;
  /** Every sign-in of the person ends (DELETE /auth/tokens), not only this computer's. */
  readonly everywhere?: boolean;
}

/**
 * `worktrace logout [--everywhere]`: asks the server to revoke the token, or every token of the person (best
 * effort), then forgets it here whatever the server said: offline, the sign-out still happens locally and says the
 * server could not be told. Recorded time and the upload queue stay for the next sign-in of this account.
 */
export async function runLogout(context: CommandContext, options: LogoutOptions): Promise<void> {
  const store = new CredentialsStore(resolveDataDir(options.dataDir, context.env));
  let credentials: Credentials | null;
  try {
    credentials = store.read();
  } catch {
    // A damaged file has no token to send: forgetting it is all there is to do.
    store.clear();
    context.stdout.write(`Signed out (the stored sign-in was damaged, so the server could not be told). ${QUEUE_STAYS}\n`);
    return;
  }
  if (!credentials) {
    context.stdout.write(options.everywhere ? 'Not signed in: sign in first to sign out everywhere.\n' : 'Not signed in.\n');
    return;
  }
  const result = await revokeOnServer(credentials, { everywhere: options.everywhere === true });
  store.clear();
  context.logger.info(
    { server: credentials.server, userId: credentials.userId, everywhere: options.everywhere === true, serverTold: result.outcome === 'revoked' },
    'signed out',
  );
  const words = options.everywhere
    ? everywhereWords(credentials, result)
    : result.outcome === 'not-told'
      ? notToldWords(credentials.server, result)
      : `Signed out of ${credentials.server}: this sign-in no longer works anywhere.`;
  context.stdout.write(`${words} ${QUEUE_STAYS}\n`);
}
