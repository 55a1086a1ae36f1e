import type { Logger } from '../log.js';
import type { OutboxAccount, Store } from '../store/index.js';
import type { ApiClient } from './api-client.js';
import { ApiRequestError, describeFailure, isTransient } from './errors.js';

/** At most this many pages per contract in one go: a later pass goes on where the window still holds copies. */
const MAX_PAGES_PER_CONTRACT = 20;

/**
 * Learns which uploaded screenshots are gone on the server (the client deleted them, the freelancer deleted them
 * elsewhere, or retention purged them) and deletes the copies kept here, so evidence that left the diary does not
 * stay on the freelancer's disk either.
 *
 * Per contract of the signed-in account it asks the server about the span of capture times its copies here cover
 * (GET /contracts/{id}/screenshots/removed): a window on capture time cannot miss a removal however late it
 * committed, and it shrinks as the oldest copies go. Copies are deleted through the store's screenshot delete (the
 * one that scrubs the database); their segments are not queued again, the server already knows.
 */
export class ServerRemovals {
  readonly #client: ApiClient;
  readonly #store: Store;
  readonly #account: Pick<OutboxAccount, 'server' | 'userId'>;
  readonly #log: Logger;

  constructor(deps: { client: ApiClient; store: Store; account: Pick<OutboxAccount, 'server' | 'userId'>; logger: Logger }) {
    this.#client = deps.client;
    this.#store = deps.store;
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
    let deleted = 0;
    let query: { from: string; to: string; after?: string } = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    for (let page = 0; page < MAX_PAGES_PER_CONTRACT; page += 1) {
      const answer = await this.#client.removedScreenshots(contractId, query);
      for (const gone of answer.removed) {
        // Only copies of this contract: an id the server lists is trusted no further than its own contract.
        const here = this.#store.screenshots.meta(gone.id);
        if (!here || this.#store.segments.get(here.segmentId)?.contractId !== contractId) continue;
        if (this.#store.screenshots.delete(gone.id, { requeueSegment: false })) {
          deleted += 1;
          this.#log.info({ screenshotId: gone.id, removedBy: gone.removed.by }, 'screenshot gone on the server: copy deleted here');
        }
      }
      const last = answer.removed.at(-1);
      if (!answer.more || !last) break;
      query = { ...query, from: last.takenAt, after: last.id };
    }
    return deleted;
  }
}
