import { DiskFullMonitor } from '../../agent/disk-full-monitor.js';
import type { Logger } from '../../log.js';
import type { TrackerError } from '../../tracking/events.js';
import type { Tracker } from '../../tracking/tracker.js';

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
 * (MAX_UNWRITTEN_MINUTES), since from then on time would be lost without anyone knowing. The state itself is the
 * agent's DiskFullMonitor (the desktop app words the same one); this is the CLI's wording of it.
 */
export class DiskFullWatch {
  readonly #tracker: Tracker;
  readonly #monitor: DiskFullMonitor;

  constructor(tracker: Tracker, options: DiskFullWatchOptions) {
    this.#tracker = tracker;
    const { dataDir, say } = options;
    this.#monitor = new DiskFullMonitor(tracker, {
      dataDir,
      logger: options.logger,
      listener: {
        onFull: () =>
          say(
            `worktrace: disk full: no space left for ${dataDir}. Tracking goes on: screenshots are skipped and ` +
              'minutes that cannot be saved are kept in memory until there is room. Free some space there.',
          ),
        onMinutesSaved: (kept) => {
          const saved = kept > 0 ? `the ${kept} minute(s) kept in memory are saved` : 'minutes are saved again';
          say(`worktrace: ${dataDir} has room again: ${saved}.`);
        },
        onScreenshotsResume: () => say(`worktrace: screenshots resume (${dataDir} has room again).`),
        onGiveUp: (held) =>
          options.onGiveUp(
            `disk full: no space left for ${dataDir} for ${held} minutes; tracking stopped and those minutes could not be saved. ` +
              'Free some space there, then start again.',
          ),
      },
    });
  }

  get full(): boolean {
    return this.#monitor.full;
  }

  /** A tracker error that is a full disk: handled here (told once), so the caller prints no warning of its own. */
  handles(error: TrackerError): boolean {
    return this.#monitor.handles(error);
  }

  /** A screenshot failure that is a full disk: already told, the caller stays quiet. */
  handlesScreenshotFailure(error: unknown): boolean {
    return this.#monitor.handlesScreenshotFailure(error);
  }

  /** The status line's words while the disk is full, else null. */
  words(): string | null {
    if (this.#monitor.minutesHeld) return `disk full: ${this.#tracker.snapshot().unsavedMinutes} min kept in memory, no screenshots`;
    if (this.#monitor.full) return 'disk full: screenshots skipped';
    return null;
  }

  stop(): void {
    this.#monitor.stop();
  }
}
