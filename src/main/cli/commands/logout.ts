import { resolveDataDir } from '../../config/data-dir.js';
import { CredentialsStore } from '../../sync/index.js';
import type { CommandContext } from '../context.js';

/** `worktrace logout`: forgets the token. Recorded time and the upload queue stay for the next sign-in. */
export async function runLogout(context: CommandContext, options: { dataDir: string | undefined }): Promise<void> {
  const store = new CredentialsStore(resolveDataDir(options.dataDir, context.env));
  const had = store.clear();
  context.stdout.write(had ? 'Signed out. Recorded time stays queued until you sign in again.\n' : 'Not signed in.\n');
}
