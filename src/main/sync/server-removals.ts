import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../log.js';
import type { OutboxAccount, Store } from '../store/index.js';
import type { ApiClient } from './api-client.js';
import { ApiRequestError, describeFailure, isTransient } from './errors.js';

/** At most this many pages per contract in one go: a later check goes on where the window still holds copies. */
const MAX_PAGES_PER_CONTRACT = 20;
/** A check without removedSince (everything removed in the window) at least this often, and at every start. */
const FULL_CHECK_EVERY_MS = 24 * 3_600_000;
/**
 * Taken off the last answer's asOf for the next removedSince: a removal whose time was read before that answer but
 * which committed after it is still found, unless it took longer than this to commit (the next full check finds it).
 */
const REMOVED_SINCE_MARGIN_MS = 15 * 60_000;

/**
 * Learns which uploaded screenshots are gone on the server (the client deleted them, the freelancer deleted them
 * elsewhere, or retention purged them) and deletes the copies kept here, so evidence that left the diary does not
 * stay on the freelancer's disk either.
 *
 * Per contract of the signed-in account it asks the server about the span of capture times its copies here cover
 * (GET /contracts/{id}/screenshots/removed): a window on capture time cannot miss a removal however late it
 * committed, and it shrinks as the oldest copies go. Between full checks (one at start, then daily) it asks only for
 * what was removed since its last answer, less a margin, so a check every few minutes stays a few bytes even when the
 * window holds thousands of screenshots deleted long ago. Copies are deleted through the store's screenshot delete
 * (the one that scrubs the database); their segments are not queued again, the server already knows.
 */
export class ServerRemovals {
  readonly #client: ApiClient;
  readonly #store: Store;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #account: Pick<OutboxAccount, 'server' | 'userId'>;
  readonly #log: Logger;
  /** Per contract: the server's clock at the last complete check, and when (this clock) the last full one was. */
  readonly #checked = new Map<string, { asOf: number; fullAt: number }>();

  constructor(deps: { client: ApiClient; store: Store; clock: Pick<Clock, 'now'>; account: Pick<OutboxAccount, 'server' | 'userId'>; logger: Logger }) {
    this.#client = deps.client;
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#account = deps.account;
    this.#log = deps.logger;
  }

  /**
   * Asks, deletes, and returns how many copies went. A 401 or server trouble (network, 5xx, 429) is thrown as the
   * ApiRequestError it is; a contract the server will not answer about (no longer this person's) is skipped.
   */
  async learn(): Promise<number> {
    let deleted = 0;
    for (const span of this.#store.screenshots.uploadedCopySpans(this.#account)) {
      try {
        deleted += await this.#learnContract(span.contractId, span.firstTakenAt, span.lastTakenAt + 1);
      } catch (error) {
        if (!(error instanceof ApiRequestError) || isTransient(error.failure) || (error.failure.kind === 'http' && error.failure.status === 401)) throw error;
        this.#log.info({ contractId: span.contractId, failure: describeFailure(error.failure) }, 'removed screenshots: the server would not say for this contract');
      }
    }
    return deleted;
  }

  async #learnContract(contractId: string, from: number, to: number): Promise<number> {
    const now = this.#clock.now();
    const last = this.#checked.get(contractId);
    const full = last === undefined || now - last.fullAt >= FULL_CHECK_EVERY_MS;
    let query: { from: string; to: string; after?: string; removedSince?: string } = {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      ...(full ? {} : { removedSince: new Date(last.asOf - REMOVED_SINCE_MARGIN_MS).toISOString() }),
    };
    let deleted = 0;
    let asOf: number | null = null;
    for (let page = 0; page < MAX_PAGES_PER_CONTRACT; page += 1) {
      const answer = await this.#client.removedScreenshots(contractId, query);
      asOf ??= Date.parse(answer.asOf);
      for (const gone of answer.removed) deleted += this.#deleteCopy(contractId, gone.id, gone.removed.by) ? 1 : 0;
      const lastEntry = answer.removed.at(-1);
      if (!answer.more || !lastEntry) {
        // Complete: the next check may ask only for what was removed since.
        this.#checked.set(contractId, { asOf, fullAt: full ? now : (last?.fullAt ?? now) });
        break;
      }
      query = { ...query, from: lastEntry.takenAt, after: lastEntry.id };
    }
    return deleted;
  }

  #deleteCopy(contractId: string, screenshotId: string, removedBy: string): boolean {
    // Only copies of this contract: an id the server lists is trusted no further than its own contract.
    const here = this.#store.screenshots.meta(screenshotId);
    if (!here || this.#store.segments.get(here.segmentId)?.contractId !== contractId) return false;
    if (!this.#store.screenshots.delete(screenshotId, { requeueSegment: false })) return false;
    this.#log.info({ screenshotId, removedBy }, 'screenshot gone on the server: copy deleted here');
    return true;
  }
}
