import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writePrivateFile } from '../files/private-file.js';
import { SyncError } from './errors.js';

/**
 * Who the agent is signed in as: the server, the account and its bearer token. Headless, the token lives in a
 * 0600 file in the data directory (the desktop app will keep it in the OS keychain instead). Never logged.
 */
export const CREDENTIALS_FILE_NAME = 'credentials.json';

/** The stored sign-in, in the headless file and in the app's sealed copy alike (src/main/electron/safe-storage.ts). */
export const credentialsSchema = z
  .object({
    server: z.string().min(1),
    email: z.string().min(1),
    userId: z.string().min(1),
    /** Written by agents from before roles moved to contracts; read and ignored, never written any more. */
    role: z.enum(['client', 'freelancer']).optional(),
    token: z.string().min(1),
    expiresAt: z.string(),
  })
  .strict();
export type Credentials = z.infer<typeof credentialsSchema>;

export class CredentialsStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, CREDENTIALS_FILE_NAME);
  }

  /** The stored credentials, or null when signed out. A damaged file is an error the person can fix. */
  read(): Credentials | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new SyncError('CREDENTIALS_UNREADABLE', `Cannot read ${this.file}: run \`worktrace login\` again.`, { cause: error });
    }
    try {
      return credentialsSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new SyncError('CREDENTIALS_UNREADABLE', `${this.file} is damaged: run \`worktrace logout\`, then \`worktrace login\`.`, { cause: error });
    }
  }

  /** The credentials, or a one-line error telling the person to sign in. */
  require(): Credentials {
    const credentials = this.read();
    if (!credentials) throw new SyncError('NOT_SIGNED_IN', 'Not signed in: run `worktrace login --server URL --email EMAIL` first.');
    return credentials;
  }

  /** Written the careful way (writePrivateFile): a crash never leaves half a token, and never a readable one. */
  write(credentials: Credentials): void {
    writePrivateFile(this.file, `${JSON.stringify(credentialsSchema.parse(credentials))}\n`, { replace: true });
  }

  /** Signs out locally, a damaged file included (its own message says to run logout). Returns whether there was a file. */
  clear(): boolean {
    const had = existsSync(this.file);
    rmSync(this.file, { force: true });
    return had;
  }
}
