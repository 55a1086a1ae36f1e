import { isoFromSec } from '../../shared/time/index.js';
import type { IdleDecision, IdleStretch } from '../tracking/index.js';
import { AppError } from './errors.js';
import type { AppEvents } from './events.js';

/**
 * The idle question of the tracker ("You were idle for 12 minutes — keep or discard?"), asked through the page and
 * answered by an invoke. At most one is open; anything that ends it unanswered (a newer one, a stop) keeps the time,
 * flagged idle, so nothing recorded is lost.
 */
export class IdlePrompt {
  #open: { stretch: IdleStretch; decide: (decision: IdleDecision) => void } | null = null;

  constructor(private readonly events: AppEvents) {}

  /** The tracker's decider: with no page listening (or while closing) the time is kept. */
  ask(stretch: IdleStretch, closing: boolean): Promise<IdleDecision> {
    if (closing || !this.events.has('idle:prompt')) return Promise.resolve('keep');
    this.keep();
    return new Promise((resolve) => {
      this.#open = { stretch, decide: resolve };
      const minutes = Math.round((stretch.toSec - stretch.fromSec) / 60);
      this.events.emit('idle:prompt', { fromAt: isoFromSec(stretch.fromSec), toAt: isoFromSec(stretch.toSec), minutes });
    });
  }

  /** The person's answer. */
  decide(decision: IdleDecision): void {
    if (!this.#open) throw new AppError('NO_IDLE_PROMPT', 'There is no idle time waiting for a decision.');
    this.#open.decide(decision);
    this.#open = null;
  }

  /** Ends an open question unanswered: the time is kept, flagged idle. */
  keep(): void {
    this.#open?.decide('keep');
    this.#open = null;
  }
}
