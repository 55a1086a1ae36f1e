import type { ApiUser, LoginResponse } from '../../../../src/shared/protocol/api/index.js';
import type { ApiClient } from './api.js';

/** What every view of a signed-in session is handed. */
export interface ViewContext {
  readonly api: ApiClient;
  readonly user: ApiUser;
  /** A short message for the status line (read out by screen readers). */
  say(message: string): void;
  /** Draws the current address again (after a change the view cannot patch in place). */
  refresh(): void;
  /** Runs `dispose` when this drawing is replaced (closes streams, timers). */
  onLeave(dispose: () => void): void;
  /** The server gave this person a new session (a changed password revokes the old one): keep it from now on. */
  replaceSession(next: LoginResponse): void;
}
