import type { Logger } from '../log.js';
import { isDiskFull } from '../store/errors.js';
import type { TrackerError } from '../tracking/events.js';
import { MAX_UNWRITTEN_MINUTES, type Tracker } from '../tracking/tracker.js';

/** Each change of a full disk's state, once (never once per refused write); the CLI and the app word them. */
export interface DiskFullListener {
  /** The first refusal of a full stretch: what the store refused first. */
  readonly onFull?: (refused: 'minute' | 'screenshot') => void;
  /** Minutes are saved again; `kept`: the most minutes held in memory during the stretch (0: none were held). */
  readonly onMinutesSaved?: (kept: number) => void;
  readonly onScreenshotsResume?: () => void;
  /** The tracker holds as many unsaved minutes as it can (MAX_UNWRITTEN_MINUTES): from now on time would be lost. */
  readonly onGiveUp?: (unsavedMinutes: number) => void;
}

/**
 * What a full disk means for a running tracker, shared by `worktrace track` and the desktop app: tracking goes on
 * time only (screenshots are skipped; minutes the store refuses are kept in memory and retried each minute), it
 * notices when room is back and the kept minutes are saved, and it gives up only when the tracker can keep no more.
 */
export class DiskFullMonitor {
  readonly #tracker: Tracker;
  readonly #dataDir: string;
  readonly #logger: Logger;
  readonly #listener: DiskFullListener;
  readonly #unsubscribe: (() => void)[];
  /** The store refused a minute or segment: minutes are held in memory. */
  #minutesHeld = false;
  /** The store refused an image (or its segment): screenshots are skipped until one is stored again. */
  #screenshotsSkipped = false;
  #mostHeld = 0;
  #gaveUp = false;

  constructor(tracker: Tracker, options: { dataDir: string; logger: Logger; listener: DiskFullListener }) {
    this.#tracker = tracker;
    this.#dataDir = options.dataDir;
    this.#logger = options.logger;
    this.#listener = options.listener;
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

  /** Minutes the store refused are held in memory (else only screenshots are skipped). */
  get minutesHeld(): boolean {
    return this.#minutesHeld;
  }

  /** A tracker error that is a full disk: handled here (told once), so the caller reports no warning of its own. */
  handles(error: TrackerError): boolean {
    return isDiskFull(error.cause);
  }

  /** A screenshot failure that is a full disk: already told, the caller stays quiet. */
  handlesScreenshotFailure(error: unknown): boolean {
    return isDiskFull(error);
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
    const dataDir = this.#dataDir;
    if (!wasFull) {
      this.#logger.warn({ dataDir, refused: what }, 'disk full: tracking time only, unsaved minutes kept in memory');
      this.#listener.onFull?.(what);
    }
    if (held >= MAX_UNWRITTEN_MINUTES && !this.#gaveUp) {
      this.#gaveUp = true;
      this.#logger.error({ dataDir, unsavedMinutes: held }, 'disk full for too long: tracking stops');
      this.#listener.onGiveUp?.(held);
    }
  }

  #minuteSaved(): void {
    if (!this.#minutesHeld || this.#tracker.snapshot().unsavedMinutes > 0) return;
    this.#minutesHeld = false;
    const kept = this.#mostHeld;
    this.#mostHeld = 0;
    this.#logger.info({ dataDir: this.#dataDir, savedMinutes: kept }, 'disk has room again: kept minutes saved');
    this.#listener.onMinutesSaved?.(kept);
  }

  #screenshotSaved(): void {
    if (!this.#screenshotsSkipped) return;
    this.#screenshotsSkipped = false;
    this.#logger.info({ dataDir: this.#dataDir }, 'disk has room again: screenshots resume');
    this.#listener.onScreenshotsResume?.();
  }
}
