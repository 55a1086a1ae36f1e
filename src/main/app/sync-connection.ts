import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { KeyStore } from '../crypto/key-store.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { ApiClient, ServerDisputes, Uploader, checkServerUrl, type Credentials, type PassReport } from '../sync/index.js';

/** Default pause between background upload passes. */
const DEFAULT_PASS_INTERVAL_MS = 5_000;

export interface SyncConnectionDeps {
  readonly store: Store;
  readonly keys: KeyStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface SyncConnectionHooks {
  /** The server refused the token (401): uploads wait for a new sign-in. */
  readonly onUnauthorized: () => void;
  /** Whether a background pass should run now (not while the server refuses the token). */
  readonly passAllowed: () => boolean;
  /**
   * After every background pass, so the sync panel can be redrawn when what it shows changed; `disputesChanged`: the
   * check of the client's disputes that follows a pass (when due) found them changed.
   */
  readonly afterPass: (report: PassReport, disputesChanged: boolean) => void;
  /** The contracts whose disputes are asked for: the signed-in freelancer's. */
  readonly contractIds: () => readonly string[];
}

/**
 * One sign-in's link to the server: its API client and the uploader that drains its queue. The app runs the
 * background passes itself (not Uploader.start) because it must look at the sync view after each one: a pass that
 * drains or parks items while nothing else happens (tracking stopped) must still reach the page.
 */
export class SyncConnection {
  readonly credentials: Credentials;
  readonly client: ApiClient;
  readonly uploader: Uploader;
  /** The client's disputes of this freelancer's segments, asked for after a pass when due (every minute at most). */
  readonly disputes: ServerDisputes;
  readonly #clock: Clock;
  readonly #log: Logger;
  #timer: TimerHandle | null = null;

  constructor(deps: SyncConnectionDeps, credentials: Credentials, hooks: SyncConnectionHooks, intervalMs = DEFAULT_PASS_INTERVAL_MS) {
    const server = checkServerUrl(credentials.server);
    this.credentials = credentials;
    this.client = new ApiClient({ serverUrl: server, token: credentials.token });
    this.uploader = new Uploader({ client: this.client, store: deps.store, keys: deps.keys, clock: deps.clock, logger: deps.logger, account: { ...credentials, server } });
    this.disputes = new ServerDisputes({ client: this.client, clock: deps.clock, logger: deps.logger });
    this.#clock = deps.clock;
    this.#log = deps.logger.child({ subsystem: 'app-sync' });
    this.uploader.onUnauthorized(() => hooks.onUnauthorized());
    // A sign-in (or the app starting signed in) is when a fix on either side most likely shows: try parked items.
    this.uploader.wakeParked();
    this.#timer = deps.clock.setInterval(() => {
      if (!hooks.passAllowed()) return;
      // runPass() joins a pass in flight (a "Sync now"), so passes never overlap.
      void this.uploader
        .runPass()
        .then(async (report) => {
          const disputesChanged = report.stoppedBy?.reason === 'unauthorized' ? false : await this.disputes.refresh(hooks.contractIds());
          if (this.#timer !== null) hooks.afterPass(report, disputesChanged);
        })
        .catch((error: unknown) => this.#log.error({ err: error }, 'upload pass failed unexpectedly'));
    }, intervalMs);
  }

  /** Stops the background passes and waits for the one in flight. */
  async close(): Promise<void> {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
    await this.uploader.stop();
  }
}

/** Whether a pass heard from the server at all (an empty queue sends nothing and proves nothing). */
export function passReachedServer(report: PassReport): boolean {
  const { sent, refused } = report;
  const answered = sent.segments + sent.screenshots + sent.deletions + refused.segments + refused.screenshots + refused.deletions + report.parked;
  return answered > 0 || report.stoppedBy?.reason === 'unauthorized' || report.stoppedBy?.reason === 'clock';
}
