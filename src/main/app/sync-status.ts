import type { AppState } from '../../shared/ipc/index.js';
import type { OutboxAccount, Store } from '../store/index.js';
import { SyncError, type PassReport } from '../sync/index.js';
import { toIpcError } from './errors.js';
import { passReachedServer } from './sync-connection.js';
import { syncView } from './sync-view.js';

/**
 * What the app knows of its link to the server that the store does not: whether the server was reachable last
 * time, whether it refused the token (the UI asks to sign in again), and the last problem in the app's words.
 */
export class SyncStatus {
  #online = true;
  #signInAgain = false;
  #lastError: string | null = null;
  /** The sync view the page was last given: a background pass redraws the page only when it changed. */
  #shown: string | null = null;

  get signInAgain(): boolean {
    return this.#signInAgain;
  }

  /** A fresh start of the link (signed in, signed out): `lastError` is what the person should still read. */
  reset(lastError: string | null = null): void {
    this.#online = true;
    this.#signInAgain = false;
    this.#lastError = lastError;
  }

  /** Something the person should read that is no failure of the link (a sign-in replaced but not ended). */
  note(message: string): void {
    this.#lastError = message;
  }

  /** The server answered a request (the contract list). */
  reached(): void {
    this.#online = true;
    this.#lastError = null;
  }

  /** A tracking start heard the server, or could not. */
  started(reachable: boolean): void {
    this.#online = reachable;
  }

  /** The server refused the token (a 401 anywhere, or a token already past its expiry). */
  tokenRefused(): void {
    this.#signInAgain = true;
  }

  /** Something failed that the person should read; returns its code. */
  failed(error: unknown): string {
    const { code, message } = toIpcError(error);
    if (code === 'SERVER_UNREACHABLE') this.#online = false;
    if (code === 'SIGN_IN_AGAIN') this.#signInAgain = true;
    this.#lastError = message;
    return code;
  }

  /** The page was given a state with this sync view. */
  shown(view: AppState['sync']): void {
    this.#shown = JSON.stringify(view);
  }

  /**
   * A background pass: offline when it could not reach the server, online again (problem gone) when it did.
   * Returns whether the page must be told: only when what its sync panel shows changed (a pass every few seconds
   * that changed nothing sends nothing).
   */
  afterPass(report: PassReport, view: () => AppState['sync']): boolean {
    if (report.stoppedBy?.reason === 'transient') this.#online = false;
    else if (passReachedServer(report) && !this.#online) {
      this.#online = true;
      this.#lastError = null; // it said the server could not be reached; it just was
    }
    // The server disputes this computer's clock: online, and the words say what to do (the store keeps them too).
    if (report.stoppedBy?.reason === 'clock') this.#lastError = report.stoppedBy.detail;
    return JSON.stringify(view()) !== this.#shown;
  }

  /** "Sync now" or Retry asked for everything: the error to answer the person with, if the pass did not get through. */
  afterSyncNow(report: PassReport, server: string): SyncError | null {
    this.#signInAgain ||= report.stoppedBy?.reason === 'unauthorized';
    this.#online = report.stoppedBy?.reason !== 'transient';
    this.#lastError = null;
    if (report.stoppedBy?.reason === 'clock') {
      this.#lastError = report.stoppedBy.detail;
      return new SyncError('CLOCK_SKEW', report.stoppedBy.detail);
    }
    if (report.stoppedBy?.reason === 'transient') {
      this.#lastError = `Cannot reach ${server} right now: uploads will retry on their own.`;
      return new SyncError('SERVER_UNREACHABLE', this.#lastError);
    }
    if (report.stoppedBy?.reason === 'unauthorized') return new SyncError('SIGN_IN_AGAIN', 'The server no longer accepts your sign-in.');
    return null;
  }

  /** The sync panel: this status plus the store's queue (null store: still opening or already closed). */
  view(store: Store | null, contractIds: readonly string[], account: Pick<OutboxAccount, 'server' | 'userId'> | null, now: number): AppState['sync'] {
    const live = { online: this.#online, signInAgain: this.#signInAgain, lastError: this.#lastError };
    if (!store) return { ...live, pendingSegments: 0, pendingScreenshots: 0, parked: [], lastSyncAt: null, waiting: [] };
    return syncView(store, contractIds, { ...live, account }, now);
  }
}
