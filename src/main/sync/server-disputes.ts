import type { Clock } from '../../shared/clock.js';
import type { Dispute } from '../../shared/protocol/api/index.js';
import type { Logger } from '../log.js';
import type { ApiClient } from './api-client.js';
import { ApiRequestError, describeFailure, isTransient } from './errors.js';

/** How often the open disputes are asked for, at most (the first sync pass asks at once). */
export const DEFAULT_DISPUTES_EVERY_MS = 60_000;

/** A dispute as the agent keeps it: the server's, with the contract it belongs to. */
export interface KnownDispute extends Dispute {
  readonly contractId: string;
}

/**
 * What the client disputes, per contract of the signed-in freelancer: asked on the sync schedule (every minute at
 * most, through the one validated API client), kept in memory and shown by the app. A 401 or server trouble keeps
 * what was known (the next check asks again); a contract the server no longer answers about (403/404: not this
 * person's any more) is forgotten.
 */
export class ServerDisputes {
  readonly #client: Pick<ApiClient, 'disputes'>;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #everyMs: number;
  readonly #log: Logger;
  readonly #known = new Map<string, readonly KnownDispute[]>();
  #askedAt: number | null = null;

  constructor(deps: { client: Pick<ApiClient, 'disputes'>; clock: Pick<Clock, 'now'>; logger: Logger; everyMs?: number }) {
    this.#client = deps.client;
    this.#clock = deps.clock;
    this.#everyMs = deps.everyMs ?? DEFAULT_DISPUTES_EVERY_MS;
    this.#log = deps.logger.child({ subsystem: 'disputes' });
  }

  /** Asks about each contract when due (or `now`); true when what is known changed. */
  async refresh(contractIds: readonly string[], options: { now?: boolean } = {}): Promise<boolean> {
    const at = this.#clock.now();
    if (!options.now && this.#askedAt !== null && at - this.#askedAt < this.#everyMs) return false;
    this.#askedAt = at;
    // What is shown, compared: learning that a contract has no dispute changes nothing a person sees.
    const before = JSON.stringify(this.current());
    for (const contractId of [...this.#known.keys()]) if (!contractIds.includes(contractId)) this.#known.delete(contractId);
    for (const contractId of contractIds) {
      try {
        const answer = await this.#client.disputes(contractId);
        this.#known.set(contractId, answer.disputes.map((d) => ({ ...d, contractId })));
      } catch (error) {
        if (!(error instanceof ApiRequestError)) throw error;
        const { failure } = error;
        // The token is refused: the uploader's pass says so and stops; asking about the other contracts is no use.
        if (failure.kind === 'http' && failure.status === 401) break;
        if (!isTransient(failure) && failure.kind === 'http' && (failure.status === 403 || failure.status === 404)) this.#known.delete(contractId);
        this.#log.info({ contractId, failure: describeFailure(failure) }, 'could not learn the disputes of this contract; asking again later');
      }
    }
    return JSON.stringify(this.current()) !== before;
  }

  /** Every known open dispute, the newest disputed segment first. */
  current(): KnownDispute[] {
    return [...this.#known.values()].flat().sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }
}
