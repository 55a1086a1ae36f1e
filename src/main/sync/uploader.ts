import type { Clock, TimerHandle } from '../../shared/clock.js';
import { decryptScreenshot, type KeyStore } from '../crypto/index.js';
import type { Logger } from '../log.js';
import type { OutboxAccount, OutboxItem, Store } from '../store/index.js';
import type { ApiClient } from './api-client.js';
import { DEFAULT_BACKOFF, backoffDelay, parkedRetryDelay, type BackoffOptions } from './backoff.js';
import { ApiRequestError, describeFailure } from './errors.js';
import { contractOfItem } from './item-contract.js';
import { itemFate } from './item-fate.js';
import { clockSkewWords, keyUnreadableWords } from './item-words.js';
import { emptyReport, tallyKey, type PassReport, type PassReportDraft, type RetriedItem } from './pass-report.js';
import { ServerRemovals } from './server-removals.js';
import { SyncStateRepository } from './sync-state.js';

export type { ItemTally, PassReport, PassStop, RetriedItem } from './pass-report.js';

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
  /** How often a pass also asks which uploaded screenshots are gone on the server (default 5 min). */
  readonly removalsEveryMs?: number;
}

export const DEFAULT_QUOTA_BYTES = 500 * 1024 * 1024;
const DEFAULT_REMOVALS_EVERY_MS = 5 * 60_000;

/** An item read again after markSent() found it changed (a minute flushed meanwhile) is sent at most this often per pass. */
const MAX_SENDS_PER_ITEM_PER_PASS = 3;

/** The screenshot key could not be read: nothing is wrong with the screenshot, it waits for the key. */
class KeyUnreadable extends Error {}

/**
 * Drains the outbox to the server in queue order, with the client-generated ids that make every retry a no-op.
 * What each failed answer means is itemFate()'s decision table; in short:
 *   2xx                          -> sent (removed unless it changed meanwhile)
 *   network, 5xx, 429, junk      -> retry later with exponential backoff and jitter; the pass stops (keeps order)
 *   a clock the server disputes  -> the same, with its own words: the person sets the clock
 *   409, 410 (the API's codes)   -> final for that item; a refused screenshot is deleted locally
 *   401                          -> the pass stops, nothing is touched: the person must sign in again
 *   other 4xx                    -> parked with its error (visible in status, in words); the rest goes on. A parked
 *                                   item is tried again on a slow schedule (parkedRetryDelay), when it changes, when
 *                                   the uploader starts (sign-in, start) and when the person asks (retryParked)
 * A screenshot whose key cannot be read waits with backoff; one that no longer decrypts is parked.
 * A pass also learns, every few minutes, which uploaded screenshots are gone on the server and deletes their copies.
 */
export class Uploader {
  readonly #deps: UploaderDeps;
  readonly #backoff: BackoffOptions;
  readonly #quotaBytes: number;
  readonly #removalsEveryMs: number;
  readonly #log: Logger;
  readonly #state: SyncStateRepository;
  readonly #removals: ServerRemovals;
  #removalsAskedAt: number | null = null;
  #pass: Promise<PassReport> | null = null;
  #timer: TimerHandle | null = null;
  #unauthorized = false;
  readonly #unauthorizedListeners = new Set<(detail: string) => void>();

  constructor(deps: UploaderDeps, options: UploaderOptions = {}) {
    this.#deps = deps;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#quotaBytes = options.quotaBytes ?? DEFAULT_QUOTA_BYTES;
    this.#removalsEveryMs = options.removalsEveryMs ?? DEFAULT_REMOVALS_EVERY_MS;
    this.#log = deps.logger.child({ subsystem: 'upload' });
    this.#state = new SyncStateRepository(deps.store.settings);
    deps.store.outbox.useAccount({ server: deps.account.server, userId: deps.account.userId, email: deps.account.email });
    this.#removals = new ServerRemovals({ client: deps.client, store: deps.store, clock: deps.clock, account: deps.account, logger: this.#log });
  }

  /** Called once when a 401 stops syncing. */
  onUnauthorized(listener: (detail: string) => void): () => void {
    this.#unauthorizedListeners.add(listener);
    return () => this.#unauthorizedListeners.delete(listener);
  }

  /**
   * Runs one pass now and then one every `intervalMs` in the background (tracking never waits on them). The pass
   * at start is what drains a queue left by a crash or an offline spell at once, not an interval later; parked
   * items are tried in it too (a start is when a fix on either side is most likely to show).
   */
  start(intervalMs = 5_000): void {
    if (this.#timer) return;
    const pass = () => {
      if (this.#unauthorized || this.#pass) return;
      void this.runPass().catch((error: unknown) => this.#log.error({ err: error }, 'upload pass failed unexpectedly'));
    };
    this.#timer = this.#deps.clock.setInterval(pass, intervalMs);
    this.wakeParked();
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
   * asked for a sync right now); parked items wait for their own time. Concurrent calls share the pass in flight.
   */
  runPass(options: { everything?: boolean } = {}): Promise<PassReport> {
    this.#pass ??= this.#drain(options.everything === true).finally(() => {
      this.#pass = null;
    });
    return this.#pass;
  }

  /** Makes every parked item of this account due at the next pass (sign-in, start). Returns how many. */
  wakeParked(): number {
    const woken = this.#deps.store.outbox.retryParked();
    if (woken > 0) this.#log.info({ parked: woken }, 'parked items are tried again');
    return woken;
  }

  /** The person asked to retry what is parked: after any pass in flight, every parked item is sent again now. */
  async retryParked(): Promise<PassReport> {
    while (this.#pass) await this.#pass.catch(() => undefined);
    this.wakeParked();
    return this.runPass({ everything: true });
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
    const report = emptyReport(this.enforceQuota());
    const sends = new Map<number, number>();
    // Written once per contract at the end of the pass: a settings write per item would cost a disk sync each.
    const succeeded = new Set<string>();
    this.#unauthorized = false;
    const dueBy = () => (everything ? Number.MAX_SAFE_INTEGER : clock.now());
    // An item that failed and let the pass go on is not taken up again in it, even when "everything" makes it due.
    const failed = new Set<number>();
    const next = () => store.outbox.due(clock.now(), failed.size + 1, dueBy()).find((i) => !failed.has(i.seq)) ?? null;
    for (let item = next(); item; item = next()) {
      const count = (sends.get(item.seq) ?? 0) + 1;
      if (count > MAX_SENDS_PER_ITEM_PER_PASS) break;
      sends.set(item.seq, count);
      const contractId = contractOfItem(store, item);
      let sent: boolean;
      try {
        sent = await this.#send(item);
      } catch (error) {
        if (this.#settle(item, contractId, error, report) === 'stop') break;
        failed.add(item.seq);
        continue;
      }
      if (sent) {
        report.sent[tallyKey(item)] += 1;
        if (contractId) succeeded.add(contractId);
      }
      if (item.parkedAt !== null) {
        report.retried.push({ kind: item.kind, itemId: item.itemId, result: 'sent', detail: null });
        // What its refusal parked behind it (its screenshot, answered "no such segment") can go now.
        if (item.kind === 'segment') store.outbox.retryParkedOfSegmentItems(item.itemId);
      }
      store.outbox.markSent(item);
    }
    for (const contractId of succeeded) this.#state.recordSuccess(contractId, clock.now());
    if (report.stoppedBy === null) await this.#learnRemovals(everything, report);
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
    let key: Buffer;
    try {
      key = await keys.loadOrCreate();
    } catch (error) {
      throw new KeyUnreadable(error instanceof Error ? error.message : String(error), { cause: error });
    }
    const jpeg = decryptScreenshot(key, stored.id, stored.data);
    await client.putScreenshot({ id: stored.id, segmentId: stored.segmentId, capturedAt: stored.takenAt, redactedWindows: stored.redactedWindows ?? 0, jpeg });
    this.#log.debug({ screenshotId: stored.id, bytes: jpeg.length }, 'screenshot sent');
    return true;
  }

  /** Decides an item's fate after its send failed (itemFate's table); 'stop' ends the pass. */
  #settle(item: OutboxItem, contractId: string | null, error: unknown, report: PassReportDraft): 'stop' | 'continue' {
    const { store, clock } = this.#deps;
    const now = clock.now();
    const retried = (result: RetriedItem['result'], detail: string) => {
      if (item.parkedAt !== null) report.retried.push({ kind: item.kind, itemId: item.itemId, result, detail });
    };
    if (error instanceof KeyUnreadable) {
      // Nothing is wrong with the screenshot: it waits for its key (a locked keychain, a key file out of reach).
      const words = keyUnreadableWords(error.message);
      store.outbox.markRetry(item.seq, now + this.#retryDelay(item), error.message);
      this.#state.recordError(contractId, now, words);
      this.#log.warn({ itemId: item.itemId, err: error.cause }, 'screenshot waits: its key cannot be read');
      retried('waiting', words);
      return 'continue';
    }
    if (!(error instanceof ApiRequestError)) {
      // A local failure (a screenshot that no longer decrypts): this item needs a person, the rest goes on.
      const detail = error instanceof Error ? error.message : String(error);
      this.#park(item, contractId, detail, report);
      this.#log.error({ err: error, kind: item.kind, itemId: item.itemId }, 'item parked: it cannot be prepared for upload');
      retried('parked', detail);
      return 'continue';
    }
    const { failure } = error;
    const detail = describeFailure(failure);
    const fate = itemFate(item.kind, failure, { now, itemTimeMs: this.#itemTime(item) });
    switch (fate.kind) {
      case 'unauthorized':
        this.#stopUnauthorized(detail, report);
        return 'stop';
      case 'server-trouble':
      case 'clock-skew': {
        const delay = this.#retryDelay(item, failure.kind === 'http' ? failure.retryAfterMs : null);
        const words = fate.kind === 'clock-skew' ? clockSkewWords(fate.serverDateMs, now) : detail;
        store.outbox.markRetry(item.seq, now + delay, detail);
        this.#state.recordError(contractId, now, words);
        this.#log.info({ kind: item.kind, itemId: item.itemId, attempts: item.attempts + 1, delayMs: delay, failure: detail }, 'upload failed; retrying later');
        // Stop here rather than let later items overtake: with the server in trouble they would fail too, and with
        // the clock disputed the items after this one were recorded later still.
        report.stoppedBy = { reason: fate.kind === 'clock-skew' ? 'clock' : 'transient', detail: words, retryAt: now + delay };
        retried('waiting', words);
        return 'stop';
      }
      case 'already-done':
        // The server has no such image, or removed it already (a retry whose first answer was lost): done.
        store.outbox.remove(item.kind, item.itemId);
        report.sent.deletions += 1;
        this.#log.info({ screenshotId: item.itemId, code: failure.kind === 'http' ? failure.code : null }, 'screenshot deletion: already gone on the server');
        retried('sent', detail);
        return 'continue';
      case 'refused':
        // Final: the server will never take this item. A refused screenshot (the client's "off" at capture time,
        // or deleted meanwhile) must not stay on the freelancer's disk either.
        if (item.kind === 'screenshot') store.screenshots.delete(item.itemId);
        else store.outbox.remove(item.kind, item.itemId);
        // A segment recorded after a pause or the end is never taken: its screenshot (captured while the client had
        // stopped the contract) goes with it rather than wait forever for a segment the server will not have.
        if (item.kind === 'segment' && failure.kind === 'http' && failure.code === 'CONTRACT_NOT_ACTIVE') store.screenshots.deleteOfRefusedSegment(item.itemId);
        report.refused[tallyKey(item)] += 1;
        this.#state.recordError(contractId, now, `${item.kind} ${item.itemId} refused: ${detail}`);
        this.#log.warn({ kind: item.kind, itemId: item.itemId, code: failure.kind === 'http' ? failure.code : null }, 'upload refused for good');
        retried('refused', detail);
        return 'continue';
      case 'park':
        this.#park(item, contractId, detail, report);
        this.#log.warn({ kind: item.kind, itemId: item.itemId, status: failure.kind === 'http' ? failure.status : null }, 'upload parked');
        retried('parked', detail);
        return 'continue';
    }
  }

  /** Parks an item until its slow retry: after as long as it has been parked (parkedRetryDelay). */
  #park(item: OutboxItem, contractId: string | null, detail: string, report: PassReportDraft): void {
    const now = this.#deps.clock.now();
    const delay = parkedRetryDelay(now - (item.parkedAt ?? now), this.#deps.random ?? Math.random);
    this.#deps.store.outbox.park(item.seq, detail, now + delay);
    report.parked += 1;
    this.#state.recordError(contractId, now, `${item.kind} ${item.itemId} parked: ${detail}`);
  }

  #stopUnauthorized(detail: string, report: PassReportDraft): void {
    // The queue stays exactly as it is: nothing counts as an attempt, nothing is parked.
    this.#unauthorized = true;
    this.#state.recordError(null, this.#deps.clock.now(), 'the server no longer accepts this sign-in: run `worktrace login` again');
    this.#log.warn({ status: 401 }, 'sync stopped: sign in again');
    report.stoppedBy = { reason: 'unauthorized', detail, retryAt: null };
    for (const listener of this.#unauthorizedListeners) listener(detail);
  }

  #retryDelay(item: OutboxItem, retryAfterMs: number | null = null): number {
    return backoffDelay(item.attempts, this.#deps.random ?? Math.random, this.#backoff, retryAfterMs);
  }

  /** The item's own time, which a refusal about times is judged against: a segment's start, a capture. */
  #itemTime(item: OutboxItem): number | null {
    const { store } = this.#deps;
    if (item.kind === 'segment') {
      const startedAt = store.segments.get(item.itemId)?.startedAt;
      return startedAt === undefined ? null : Date.parse(startedAt);
    }
    return item.kind === 'screenshot' ? (store.screenshots.meta(item.itemId)?.takenAt ?? null) : null;
  }

  /** Every few minutes (and when the person asked for everything), drops the copies of screenshots gone on the server. */
  async #learnRemovals(everything: boolean, report: PassReportDraft): Promise<void> {
    const now = this.#deps.clock.now();
    if (!everything && this.#removalsAskedAt !== null && now - this.#removalsAskedAt < this.#removalsEveryMs) return;
    this.#removalsAskedAt = now;
    try {
      report.removedOnServer = await this.#removals.learn();
    } catch (error) {
      if (error instanceof ApiRequestError && error.failure.kind === 'http' && error.failure.status === 401) {
        this.#stopUnauthorized(describeFailure(error.failure), report);
        return;
      }
      // Server trouble: the uploads of this pass went through, so say nothing; the next check asks again.
      this.#log.info({ err: error }, 'could not learn which screenshots are gone on the server; asking again later');
    }
  }
}
