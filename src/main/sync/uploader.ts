import type { Clock, TimerHandle } from '../../shared/clock.js';
import { decryptScreenshot, type KeyStore } from '../crypto/index.js';
import type { Logger } from '../log.js';
import type { OutboxAccount, OutboxItem, Store } from '../store/index.js';
import type { ApiClient } from './api-client.js';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions } from './backoff.js';
import { ApiRequestError, describeFailure, isTransient, type RequestFailure } from './errors.js';
import { contractOfItem } from './item-contract.js';
import { SyncStateRepository } from './sync-state.js';

export interface UploaderDeps {
  readonly client: ApiClient;
  readonly store: Store;
  readonly keys: KeyStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Who the client is signed in as (the stored Credentials fit). The uploader signs the outbox in as this
   * account: it records new items under it and drains only its items; other accounts' items wait for them.
   */
  readonly account: OutboxAccount;
  readonly random?: () => number;
}

export interface UploaderOptions {
  readonly backoff?: BackoffOptions;
  /** Local screenshot storage quota in bytes of encrypted blobs (default 500 MB). */
  readonly quotaBytes?: number;
}

export const DEFAULT_QUOTA_BYTES = 500 * 1024 * 1024;

/** Items per kind, as a pass reports them. */
export interface ItemTally {
  segments: number;
  screenshots: number;
  /** The freelancer's screenshot deletions (a deletion answered 404/410 was done already: it counts as sent). */
  deletions: number;
}

/** What one pass did. */
export interface PassReport {
  readonly sent: ItemTally;
  /** 409/410 (409 for a deletion): final answers; refused screenshots were deleted locally. */
  readonly refused: ItemTally;
  readonly parked: number;
  /** Why the pass ended before the queue was empty, if it did. */
  readonly stoppedBy: null | { reason: 'unauthorized' | 'transient'; detail: string; retryAt: number | null };
  /** Unsent screenshots dropped to respect the quota before the pass (uploaded copies dropped first are not counted). */
  readonly droppedForQuota: number;
}

/** An item read again after markSent() found it changed (a minute flushed meanwhile) is sent at most this often per pass. */
const MAX_SENDS_PER_ITEM_PER_PASS = 3;

/**
 * Drains the outbox to the server in queue order, with the client-generated ids that make every retry a no-op.
 *
 * Each answer decides the item's fate:
 *   2xx                      -> sent (removed unless it changed meanwhile)
 *   network, 5xx, 429, junk  -> retry later with exponential backoff and jitter; the pass stops (keeps order)
 *   409, 410                 -> final for that item; a refused screenshot is deleted locally
 *                               (a deletion answered 404 or 410 was done already: the server has no such image)
 *   401                      -> the pass stops, nothing is touched: the person must sign in again
 *   other 4xx                -> parked with its error (visible in status); the rest goes on
 */
export class Uploader {
  readonly #deps: UploaderDeps;
  readonly #backoff: BackoffOptions;
  readonly #quotaBytes: number;
  readonly #log: Logger;
  readonly #state: SyncStateRepository;
  #pass: Promise<PassReport> | null = null;
  #timer: TimerHandle | null = null;
  #unauthorized = false;
  readonly #unauthorizedListeners = new Set<(detail: string) => void>();

  constructor(deps: UploaderDeps, options: UploaderOptions = {}) {
    this.#deps = deps;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#quotaBytes = options.quotaBytes ?? DEFAULT_QUOTA_BYTES;
    this.#log = deps.logger.child({ subsystem: 'upload' });
    this.#state = new SyncStateRepository(deps.store.settings);
    deps.store.outbox.useAccount({ server: deps.account.server, userId: deps.account.userId, email: deps.account.email });
  }

  /** Called once when a 401 stops syncing. */
  onUnauthorized(listener: (detail: string) => void): () => void {
    this.#unauthorizedListeners.add(listener);
    return () => this.#unauthorizedListeners.delete(listener);
  }

  /**
   * Runs one pass now and then one every `intervalMs` in the background (tracking never waits on them). The pass
   * at start is what drains a queue left by a crash or an offline spell at once, not an interval later.
   */
  start(intervalMs = 5_000): void {
    if (this.#timer) return;
    const pass = () => {
      if (this.#unauthorized || this.#pass) return;
      void this.runPass().catch((error: unknown) => this.#log.error({ err: error }, 'upload pass failed unexpectedly'));
    };
    this.#timer = this.#deps.clock.setInterval(pass, intervalMs);
    pass();
  }

  /** Stops the background passes and waits for the one in flight. */
  async stop(): Promise<void> {
    if (this.#timer) this.#deps.clock.clearTimer(this.#timer);
    this.#timer = null;
    await this.#pass?.catch(() => undefined);
  }

  /**
   * One pass over what is due now. `everything` also sends items still waiting for their backoff (a person
   * asked for a sync right now). Concurrent calls share the pass in flight.
   */
  runPass(options: { everything?: boolean } = {}): Promise<PassReport> {
    this.#pass ??= this.#drain(options.everything === true).finally(() => {
      this.#pass = null;
    });
    return this.#pass;
  }

  /**
   * Keeps local screenshots under the quota: already uploaded copies go first, then the oldest unsent ones (time is
   * never dropped). Returns how many unsent screenshots were lost; dropping a copy the server has loses nothing.
   */
  enforceQuota(): number {
    const dropped = this.#deps.store.screenshots.evictForQuota(this.#quotaBytes);
    const unsent = dropped.filter((d) => !d.sent);
    if (dropped.length > 0) {
      const bytes = dropped.reduce((sum, d) => sum + d.storedBytes, 0);
      const log = { sentCopies: dropped.length - unsent.length, unsent: unsent.length, bytes, quotaBytes: this.#quotaBytes };
      if (unsent.length > 0) this.#log.warn(log, 'screenshot storage full: dropped the oldest unsent screenshots');
      else this.#log.info(log, 'screenshot storage full: dropped local copies of uploaded screenshots');
    }
    return unsent.length;
  }

  async #drain(everything: boolean): Promise<PassReport> {
    const { store, clock } = this.#deps;
    const report = {
      sent: { segments: 0, screenshots: 0, deletions: 0 },
      refused: { segments: 0, screenshots: 0, deletions: 0 },
      parked: 0,
      stoppedBy: null as PassReport['stoppedBy'],
      droppedForQuota: this.enforceQuota(),
    };
    const sends = new Map<number, number>();
    // Written once per contract at the end of the pass: a settings write per item would cost a disk sync each.
    const succeeded = new Set<string>();
    this.#unauthorized = false;
    const dueBy = () => (everything ? Number.MAX_SAFE_INTEGER : clock.now());
    for (let item = store.outbox.next(dueBy()); item; item = store.outbox.next(dueBy())) {
      const count = (sends.get(item.seq) ?? 0) + 1;
      if (count > MAX_SENDS_PER_ITEM_PER_PASS) break;
      sends.set(item.seq, count);
      const contractId = this.#contractOf(item);
      let sent: boolean;
      try {
        sent = await this.#send(item);
      } catch (error) {
        if (!(error instanceof ApiRequestError)) {
          // A local failure (a screenshot that no longer decrypts): this item needs a person, the rest goes on.
          store.outbox.park(item.seq, error instanceof Error ? error.message : String(error));
          report.parked += 1;
          this.#log.error({ err: error, kind: item.kind, itemId: item.itemId }, 'item parked: it cannot be prepared for upload');
          continue;
        }
        const outcome = this.#settleFailure(item, contractId, error.failure, report);
        if (outcome === 'stop') break;
        continue;
      }
      if (sent) {
        report.sent[tallyKey(item)] += 1;
        if (contractId) succeeded.add(contractId);
      }
      store.outbox.markSent(item);
    }
    for (const contractId of succeeded) this.#state.recordSuccess(contractId, clock.now());
    return report;
  }

  /** Sends one item; false when its local record is gone (nothing to send; the queue entry just goes). */
  async #send(item: OutboxItem): Promise<boolean> {
    const { store, client } = this.#deps;
    switch (item.kind) {
      case 'segment': {
        const segment = store.segments.getForUpload(item.itemId);
        if (!segment) return false;
        const answer = await client.putSegment(segment);
        this.#log.debug({ segmentId: segment.id, result: answer.result }, 'segment sent');
        return true;
      }
      case 'screenshot':
        return this.#sendScreenshot(item.itemId);
      case 'screenshot-deletion': {
        const deletion = store.screenshots.pendingDeletion(item.itemId);
        if (!deletion) return false;
        const answer = await client.deleteScreenshot(deletion.screenshotId, deletion.segmentId);
        this.#log.info({ screenshotId: answer.id, segmentBillable: answer.segmentBillable }, 'screenshot deletion sent');
        return true;
      }
    }
  }

  async #sendScreenshot(id: string): Promise<boolean> {
    const { store, client, keys } = this.#deps;
    const stored = store.screenshots.get(id);
    if (!stored) return false;
    const jpeg = decryptScreenshot(await keys.loadOrCreate(), stored.id, stored.data);
    await client.putScreenshot({ id: stored.id, segmentId: stored.segmentId, capturedAt: stored.takenAt, jpeg });
    this.#log.debug({ screenshotId: stored.id, bytes: jpeg.length }, 'screenshot sent');
    return true;
  }

  #settleFailure(
    item: OutboxItem,
    contractId: string | null,
    failure: RequestFailure,
    report: { sent: ItemTally; refused: ItemTally; parked: number; stoppedBy: PassReport['stoppedBy'] },
  ): 'stop' | 'continue' {
    const { store, clock } = this.#deps;
    const detail = describeFailure(failure);
    const now = clock.now();
    if (failure.kind === 'http' && failure.status === 401) {
      // The queue stays exactly as it is: nothing counts as an attempt, nothing is parked.
      this.#unauthorized = true;
      this.#state.recordError(null, now, 'the server no longer accepts this sign-in: run `worktrace login` again');
      this.#log.warn({ status: 401 }, 'sync stopped: sign in again');
      report.stoppedBy = { reason: 'unauthorized', detail, retryAt: null };
      for (const listener of this.#unauthorizedListeners) listener(detail);
      return 'stop';
    }
    if (isTransient(failure)) {
      const delay = backoffDelay(item.attempts, this.#deps.random ?? Math.random, this.#backoff, failure.kind === 'http' ? failure.retryAfterMs : null);
      store.outbox.markRetry(item.seq, now + delay, detail);
      this.#state.recordError(contractId, now, detail);
      this.#log.info({ kind: item.kind, itemId: item.itemId, attempts: item.attempts + 1, delayMs: delay, failure: detail }, 'upload failed; retrying later');
      // Stop here rather than let later items overtake: with the server in trouble they would fail too.
      report.stoppedBy = { reason: 'transient', detail, retryAt: now + delay };
      return 'stop';
    }
    if (item.kind === 'screenshot-deletion' && failure.kind === 'http' && (failure.status === 404 || failure.status === 410)) {
      // The server has no such image, or removed it already (a retry whose first answer was lost): done.
      store.outbox.remove(item.kind, item.itemId);
      report.sent.deletions += 1;
      this.#log.info({ screenshotId: item.itemId, status: failure.status, code: failure.code }, 'screenshot deletion: already gone on the server');
      return 'continue';
    }
    if (failure.kind === 'http' && (failure.status === 409 || failure.status === 410)) {
      // Final: the server will never take this item. A refused screenshot (the client's "off" at capture time,
      // or deleted meanwhile) must not stay on the freelancer's disk either.
      if (item.kind === 'screenshot') store.screenshots.delete(item.itemId);
      else store.outbox.remove(item.kind, item.itemId);
      report.refused[tallyKey(item)] += 1;
      this.#state.recordError(contractId, now, `${item.kind} ${item.itemId} refused: ${detail}`);
      this.#log.warn({ kind: item.kind, itemId: item.itemId, status: failure.status, code: failure.code }, 'upload refused for good');
      return 'continue';
    }
    store.outbox.park(item.seq, detail);
    report.parked += 1;
    this.#state.recordError(contractId, now, `${item.kind} ${item.itemId} parked: ${detail}`);
    this.#log.warn({ kind: item.kind, itemId: item.itemId, status: failure.kind === 'http' ? failure.status : null }, 'upload parked');
    return 'continue';
  }

  #contractOf(item: OutboxItem): string | null {
    return contractOfItem(this.#deps.store, item);
  }
}

function tallyKey(item: OutboxItem): keyof ItemTally {
  switch (item.kind) {
    case 'segment':
      return 'segments';
    case 'screenshot':
      return 'screenshots';
    case 'screenshot-deletion':
      return 'deletions';
  }
}
