import { CodedError } from '../../shared/errors.js';
import type { ScreenshotSkipReason } from '../../shared/protocol/index.js';
import type { IdleDecision, MinuteBucket, SegmentHeader } from './ports.js';

/** What the tracker tells its listeners (the CLI's status line, the app's tray, logs). */
export interface TrackerEvents {
  segmentOpened: { readonly header: SegmentHeader; readonly continued: boolean };
  minuteFlushed: { readonly segmentId: string; readonly minute: MinuteBucket };
  screenshotScheduled: { readonly segmentId: string; readonly dueAtMs: number };
  screenshotTaken: { readonly segmentId: string; readonly screenshotId: string; readonly takenAt: number };
  /** The capture failed, or the pipeline kept nothing (`error` is then null). Tracking goes on. */
  screenshotFailed: { readonly segmentId: string; readonly takenAt: number; readonly error: unknown };
  /** Privacy forbade the capture; the segment records why (the diary says so). Tracking goes on. */
  screenshotSkipped: { readonly segmentId: string; readonly takenAt: number; readonly reason: ScreenshotSkipReason };
  idleStarted: { readonly fromSec: number };
  idleEnded: { readonly fromSec: number; readonly toSec: number; readonly decision: IdleDecision | 'empty' };
  /** Something the tracker survived (a failing sink write, a throwing listener). Tracking goes on. */
  error: { readonly error: TrackerError };
}

export type TrackerErrorCode =
  | 'TRACKER_ALREADY_RUNNING'
  | 'TICK_FAILED'
  | 'FLUSH_FAILED'
  | 'MEMO_WRITE_FAILED'
  | 'IDLE_DECISION_FAILED'
  | 'LISTENER_FAILED';

export class TrackerError extends CodedError<TrackerErrorCode> {}

type Listener<T> = (payload: T) => void;

/** A small typed emitter: `on` returns the unsubscribe; a throwing listener never breaks the tracker. */
export class TrackerEmitter {
  readonly #listeners = new Map<keyof TrackerEvents, Set<Listener<never>>>();

  on<K extends keyof TrackerEvents>(event: K, listener: Listener<TrackerEvents[K]>): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener as Listener<never>);
    this.#listeners.set(event, set);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  emit<K extends keyof TrackerEvents>(event: K, payload: TrackerEvents[K]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as Listener<TrackerEvents[K]>)(payload);
      } catch (cause) {
        if (event !== 'error') {
          this.emit('error', { error: new TrackerError('LISTENER_FAILED', `a ${event} listener threw`, { cause }) });
        }
      }
    }
  }
}
