import type { AppState } from '../../shared/ipc/index.js';
import { DiskFullMonitor } from '../agent/disk-full-monitor.js';
import type { Logger } from '../log.js';
import type { Tracker } from '../tracking/index.js';

type DiskFullView = NonNullable<AppState['tracking']['diskFull']>;

/**
 * The app's notice while the disk holding its data is full, over the agent's DiskFullMonitor (the CLI words the
 * same one): tracking goes on time only, and the person learns how much waits in memory and where room is needed.
 * When the tracker can keep no more minutes, tracking stops and the notice says why until the next start.
 */
export class DiskNotice {
  readonly #dataDir: string;
  readonly #logger: Logger;
  #monitor: DiskFullMonitor | null = null;
  #gaveUp: DiskFullView | null = null;

  constructor(dataDir: string, logger: Logger) {
    this.#dataDir = dataDir;
    this.#logger = logger;
  }

  /**
   * Watches a session's tracker: `changed` when what the notice says changed (a full disk's minute count moves once
   * a minute), `stopTracking` when time would be lost from now on. Tracker errors that are not a full disk are
   * logged here, since the tracker survives them.
   */
  watch(tracker: Tracker, on: { changed: () => void; stopTracking: () => void }): void {
    this.stop();
    this.#gaveUp = null;
    const monitor = new DiskFullMonitor(tracker, {
      dataDir: this.#dataDir,
      logger: this.#logger,
      listener: {
        onFull: on.changed,
        onMinutesSaved: on.changed,
        onScreenshotsResume: on.changed,
        onGiveUp: (held) => {
          this.#gaveUp = diskGaveUpNotice(this.#dataDir, held);
          on.stopTracking();
        },
      },
    });
    this.#monitor = monitor;
    tracker.on('error', ({ error }) => {
      if (monitor.handles(error)) on.changed();
      else this.#logger.warn({ err: error, code: error.code }, 'tracker survived an error');
    });
  }

  stop(): void {
    this.#monitor?.stop();
    this.#monitor = null;
  }

  view(unsavedMinutes: number): DiskFullView | null {
    const monitor = this.#monitor;
    if (monitor?.full) return diskFullNotice(this.#dataDir, unsavedMinutes, monitor.minutesHeld);
    return this.#gaveUp;
  }
}

export function diskFullNotice(dataDir: string, unsavedMinutes: number, minutesHeld: boolean): DiskFullView {
  const minutes = unsavedMinutes === 1 ? '1 minute is' : `${unsavedMinutes} minutes are`;
  const message = minutesHeld
    ? `Disk full: screenshots are skipped and ${minutes} kept in memory until there is room in ${dataDir}. Tracking goes on; free some space there.`
    : `Disk full: screenshots are skipped until there is room in ${dataDir}. Your time is still saved.`;
  return { unsavedMinutes, message };
}

export function diskGaveUpNotice(dataDir: string, unsavedMinutes: number): DiskFullView {
  return {
    unsavedMinutes,
    message:
      `Disk full for ${unsavedMinutes} minutes: tracking stopped, and those minutes could not be saved. ` +
      `Free some space in ${dataDir}, then start again.`,
  };
}
