import type { Logger } from '../../log.js';
import { isDiskFull } from '../../store/errors.js';
import type { TrackerError } from '../../tracking/events.js';
import { MAX_UNWRITTEN_MINUTES, type Tracker } from '../../tracking/tracker.js';

export interface DiskFullWatchOptions {
  readonly dataDir: string;
  /** Where the person reads: each change of state is one plain line here, never one per failed write. */
  readonly say: (line: string) => void;
  readonly logger: Logger;
  /** The tracker holds as many unsaved minutes as it can: tracking must stop, with this message. */
  readonly onGiveUp: (message: string) => void;
}

/**
 * What a full disk means for `worktrace track`, told once and in words: tracking goes on time only (screenshots
 * are skipped, minutes the store refuses are kept in memory and retried each minute), it says when room is back
 * and the kept minutes are saved, and it stops, exit 1, only when the tracker can keep no more
 * (MAX_UNWRITTEN_MINUTES), since from then on time would be lost without anyone knowing.
 */
export class DiskFullWatch {
  readonly #tracker: Tracker;
  readonly #options: DiskFullWatchOptions;
  readonly #unsubscribe: (() => void)[];
  /** The store refused a minute or segment: minutes are held in memory. */
  #minutesHeld = false;
  /** The store refused an image (or its segment): screenshots are skipped until one is stored again. */
  #screenshotsSkipped = false;
  #mostHeld = 0;
  #gaveUp = false;

  constructor(tracker: Tracker, options: DiskFullWatchOptions) {
    this.#tracker = tracker;
    this.#options = options;
    this.#unsubscribe = [
      tracker.on('minuteFlushed', () => this.#minuteSaved()),
      tracker.on('screenshotTaken', () => this.#screenshotSaved()),
      tracker.on('screenshotFailed', ({ error }) => {
        if (isDiskFull(error)) this.#refused('screenshot');
      }),
      tracker.on('error', ({ error }) => {
        if (isDiskFull(error.cause)) this.#refused('minute');
      }),
    ];
  }

  get full(): boolean {
    return this.#minutesHeld || this.#screenshotsSkipped;
  }

  /** A tracker error that is a full disk: handled here (told once), so the caller prints no warning of its own. */
  handles(error: TrackerError): boolean {
    return isDiskFull(error.cause);
  }

  /** A screenshot failure that is a full disk: already told, the caller stays quiet. */
  handlesScreenshotFailure(error: unknown): boolean {
    return isDiskFull(error);
  }

  /** The status line's words while the disk is full, else null. */
  words(): string | null {
    if (this.#minutesHeld) return `disk full: ${this.#tracker.snapshot().unsavedMinutes} min kept in memory, no screenshots`;
    if (this.#screenshotsSkipped) return 'disk full: screenshots skipped';
    return null;
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  #refused(what: 'minute' | 'screenshot'): void {
    const wasFull = this.full;
    if (what === 'minute') this.#minutesHeld = true;
    else this.#screenshotsSkipped = true;
    const held = this.#tracker.snapshot().unsavedMinutes;
    this.#mostHeld = Math.max(this.#mostHeld, held);
    const { dataDir } = this.#options;
    if (!wasFull) {
      this.#options.logger.warn({ dataDir, refused: what }, 'disk full: tracking time only, unsaved minutes kept in memory');
      this.#options.say(
        `worktrace: disk full: no space left for ${dataDir}. Tracking goes on: screenshots are skipped and ` +
          'minutes that cannot be saved are kept in memory until there is room. Free some space there.',
      );
    }
    if (held >= MAX_UNWRITTEN_MINUTES && !this.#gaveUp) {
      this.#gaveUp = true;
      this.#options.logger.error({ dataDir, unsavedMinutes: held }, 'disk full for too long: tracking stops');
      this.#options.onGiveUp(
        `disk full: no space left for ${dataDir} for ${held} minutes; tracking stopped and those minutes could not be saved. ` +
          'Free some space there, then start again.',
      );
    }
  }

  #minuteSaved(): void {
    if (!this.#minutesHeld || this.#tracker.snapshot().unsavedMinutes > 0) return;
    this.#minutesHeld = false;
    const kept = this.#mostHeld;
    this.#mostHeld = 0;
    this.#options.logger.info({ dataDir: this.#options.dataDir, savedMinutes: kept }, 'disk has room again: kept minutes saved');
    const saved = kept > 0 ? `the ${kept} minute(s) kept in memory are saved` : 'minutes are saved again';
    this.#options.say(`worktrace: ${this.#options.dataDir} has room again: ${saved}.`);
  }

  #screenshotSaved(): void {
    if (!this.#screenshotsSkipped) return;
    this.#screenshotsSkipped = false;
    this.#options.logger.info({ dataDir: this.#options.dataDir }, 'disk has room again: screenshots resume');
    this.#options.say(`worktrace: screenshots resume (${this.#options.dataDir} has room again).`);
  }
}
