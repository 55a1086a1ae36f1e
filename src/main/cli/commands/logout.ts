import { resolveDataDir } from '../../config/data-dir.js';
import { CredentialsStore, notToldWords, revokeOnServer, type Credentials } from '../../sync/index.js';
import type { CommandContext } from '../context.js';

const QUEUE_STAYS = 'Recorded time stays queued until you sign in again.';

/**
 * `worktrace logout`: asks the server to revoke the token (best effort), then forgets it here whatever the server
 * said: offline, the sign-out still happens locally and says the server could not be told. Recorded time and the
 * upload queue stay for the next sign-in of this account.
 */
export async function runLogout(context: CommandContext, options: { dataDir: string | undefined }): Promise<void> {
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
    context.stdout.write('Not signed in.\n');
    return;
  }
  const result = await revokeOnServer(credentials);
  store.clear();
  context.logger.info({ server: credentials.server, userId: credentials.userId, serverTold: result.outcome === 'revoked' }, 'signed out');
  if (result.outcome === 'revoked') {
    context.stdout.write(`Signed out of ${credentials.server}: this sign-in no longer works anywhere. ${QUEUE_STAYS}\n`);
  } else {
    context.stdout.write(`${notToldWords(credentials.server, result)} ${QUEUE_STAYS}\n`);
  }
}
