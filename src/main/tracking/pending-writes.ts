import { TrackerError, type TrackerEmitter } from './events.js';
import type { MinuteBucket, TrackingSink } from './ports.js';
import type { SegmentState } from './segment-state.js';

/**
 * A store that keeps failing (a full disk) must not make the tracker hold an unbounded backlog: two hours of
 * minutes. Past it, newer minutes are lost; the CLI stops with a message before that (see track.ts).
 */
export const MAX_UNWRITTEN_MINUTES = 120;

/** While the store refuses writes, what it holds is tried again this often, not only at the next minute's end. */
export const RETRY_REFUSED_MS = 10_000;

/**
 * The tracker's writes to the store, and what the store has not taken yet: segments it refused to create, minutes
 * it refused to write (a full disk), a memo change whose write failed. Each is retried with the next flush; values
 * are absolute, so a late write is still right, and the tick itself never fails on a write.
 */
export class PendingWrites {
  readonly #minutes = new Set<{ seg: SegmentState; minuteSec: number }>();
  /** Segments the store refused to create: created before their first minute or screenshot. */
  readonly #unopened = new Set<SegmentState>();
  /** A segment whose memo change is not in the store yet. */
  #memo: SegmentState | null = null;
  /** Monotonic ms of the last try of the held minutes (or when there were none). */
  #lastTryMs = 0;

  constructor(
    private readonly sink: TrackingSink,
    private readonly events: TrackerEmitter,
  ) {}

  /** Minutes held in memory because the store refused them. */
  get heldMinutes(): number {
    return this.#minutes.size;
  }

  clear(): void {
    this.#minutes.clear();
    this.#unopened.clear();
    this.#memo = null;
  }

  /** A new segment: created in the store now if it can be; a refused create must not cost the time. */
  opened(seg: SegmentState): void {
    this.#unopened.add(seg);
    try {
      this.storeSegment(seg);
    } catch (cause) {
      this.#report(new TrackerError('FLUSH_FAILED', 'creating a segment failed; it is retried with the next minute', { cause }));
    }
  }

  /** Creates a segment the store refused earlier; throws the store's error while it still cannot. */
  storeSegment(seg: SegmentState): void {
    if (!this.#unopened.has(seg)) return;
    this.sink.openSegment(seg.header);
    this.#unopened.delete(seg);
  }

  /** The segment's memo changed: written now, or with the next flush if the store refuses it. */
  memoChanged(seg: SegmentState): void {
    this.#memo = seg;
    this.#writeMemo();
  }

  /** Retries what was refused, then writes `current` (the minute being left, or the one a stop or sleep ends). */
  flush(current: { seg: SegmentState; minuteSec: number } | null): void {
    this.#writeMemo();
    let refused = false;
    for (const failed of [...this.#minutes]) {
      // After one refusal (a full disk) the others wait for the next flush: one try and one report per minute.
      if (refused) break;
      this.#minutes.delete(failed);
      refused = !this.#write(failed.seg, failed.minuteSec);
    }
    if (!current) return;
    if (refused) this.#hold(current.seg, current.minuteSec);
    else this.#write(current.seg, current.minuteSec);
  }

  /**
   * Called each tick: while minutes are held (a full disk), they are tried again every RETRY_REFUSED_MS, so room that
   * returns mid-minute is used within seconds; one try per interval keeps a still-full disk from being hammered.
   */
  retryRefused(monotonicMs: number): void {
    if (this.#minutes.size === 0) {
      this.#lastTryMs = monotonicMs;
      return;
    }
    if (monotonicMs - this.#lastTryMs < RETRY_REFUSED_MS) return;
    this.#lastTryMs = monotonicMs;
    this.flush(null);
  }

  /** Segments with a minute still to write. */
  segments(): SegmentState[] {
    return [...this.#minutes].map((m) => m.seg);
  }

  /** Minutes still to write, with their latest values. */
  minutes(): { readonly seg: SegmentState; readonly minuteSec: number }[] {
    return [...this.#minutes];
  }

  /** The segment's time was removed: none of its minutes is written any more. */
  drop(seg: SegmentState): void {
    for (const held of this.#minutes) if (held.seg === seg) this.#minutes.delete(held);
  }

  /** Writes one minute with its app time; false when the store refused it (it is then held). */
  #write(seg: SegmentState, minuteSec: number): boolean {
    if (seg.timeRemoved || !seg.hasMinute(minuteSec)) return true;
    const minute: MinuteBucket = seg.bucket(minuteSec);
    if (minute.trackedMs === 0 && minute.keyboard + minute.mouse === 0) return true;
    try {
      this.storeSegment(seg);
      this.sink.flushMinute(seg.id, minute, seg.minuteApps(minuteSec));
    } catch (cause) {
      this.#hold(seg, minuteSec);
      this.#report(new TrackerError('FLUSH_FAILED', 'writing a minute failed; it is retried with the next one', { cause }));
      return false;
    }
    this.events.emit('minuteFlushed', { segmentId: seg.id, minute });
    return true;
  }

  /** Keeps a minute the store refused for the next flush (once, however often it was refused). */
  #hold(seg: SegmentState, minuteSec: number): void {
    for (const held of this.#minutes) if (held.seg === seg && held.minuteSec === minuteSec) return;
    if (this.#minutes.size < MAX_UNWRITTEN_MINUTES) this.#minutes.add({ seg, minuteSec });
  }

  #writeMemo(): void {
    const seg = this.#memo;
    if (!seg) return;
    try {
      this.sink.setMemo(seg.id, seg.header.memo);
      this.#memo = null;
    } catch (cause) {
      this.#report(new TrackerError('MEMO_WRITE_FAILED', 'writing the memo failed; it is retried with the next minute', { cause }));
    }
  }

  #report(error: TrackerError): void {
    this.events.emit('error', { error });
  }
}
