import { TrackerError, type TrackerEmitter } from './events.js';
import type { MinuteBucket, TrackingSink } from './ports.js';
import type { SegmentState } from './segment-state.js';

/**
 * A store that keeps failing (a full disk) must not make the tracker hold an unbounded backlog: two hours of
 * minutes. Past it, newer minutes are lost; the CLI stops with a message before that (see track.ts).
 */
export const MAX_UNWRITTEN_MINUTES = 120;

/**
 * How much tracked time a crash can lose: the open minute is saved this often (issue 12 item 14), and while the store
 * refuses writes, what it holds is tried again at the same pace, not only at the next minute's end.
 */
export const SAVE_EVERY_MS = 10_000;

export interface PendingWritesOptions {
  /** Monotonic ms, to pace the saves. */
  readonly monotonic: () => number;
  /** The tick's period: a save is due at the tick nearest to SAVE_EVERY_MS, not the first one past it. */
  readonly tickMs: number;
  /** Save the open minute this often; null: only at its end (what a crash then loses is up to a minute). */
  readonly saveEveryMs: number | null;
}

type MinuteRef = { readonly seg: SegmentState; readonly minuteSec: number };

/**
 * The tracker's writes to the store, and what the store has not taken yet: segments it refused to create, minutes
 * it refused to write (a full disk), a memo change whose write failed. Each is retried with the next flush; values
 * are absolute, so a late write is still right, and the tick itself never fails on a write.
 *
 * A minute is written when the tick leaves it, and saved while it is open every SAVE_EVERY_MS since the last write:
 *
 *   09:03:00 flush 09:02 ─ :10 save 09:03 ─ :20 save ─ ... ─ :50 save ─ 09:04:00 flush 09:03 (replaces the saves)
 *
 * A save is the same upsert of absolute values as the final write, so a restart that continues the minute adds to
 * what was saved and nothing is counted twice.
 */
export class PendingWrites {
  readonly #minutes = new Set<MinuteRef>();
  /** Segments the store refused to create: created before their first minute or screenshot. */
  readonly #unopened = new Set<SegmentState>();
  /** A segment whose memo change is not in the store yet. */
  #memo: SegmentState | null = null;
  /** Monotonic ms of the last write of a minute, or of the last try of the held ones. */
  #lastWriteMs: number;

  constructor(
    private readonly sink: TrackingSink,
    private readonly events: TrackerEmitter,
    private readonly options: PendingWritesOptions,
  ) {
    this.#lastWriteMs = options.monotonic();
  }

  /** Minutes held in memory because the store refused them. */
  get heldMinutes(): number {
    return this.#minutes.size;
  }

  clear(): void {
    this.#minutes.clear();
    this.#unopened.clear();
    this.#memo = null;
    this.#lastWriteMs = this.options.monotonic();
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
  flush(current: MinuteRef | null): void {
    this.#lastWriteMs = this.options.monotonic();
    this.#writeMemo();
    const refused = !this.#retryHeld();
    if (!current) return;
    if (refused) this.#hold(current.seg, current.minuteSec);
    else this.#write(current.seg, current.minuteSec);
  }

  /**
   * Called each tick with the open minute. Every SAVE_EVERY_MS since the last write: a refused memo and the held
   * minutes are tried again (room that returns mid-minute is used within seconds; one try per interval keeps a full
   * disk from being hammered), and if the store took them, the open minute is saved as it stands.
   */
  tick(open: MinuteRef | null): void {
    const interval = this.options.saveEveryMs ?? (this.#minutes.size > 0 ? SAVE_EVERY_MS : null);
    // Half a tick early rather than up to a tick late: a tick a few ms ahead of its schedule must not stretch the gap
    // between two saves (what a crash can lose) to 11 s.
    if (interval === null || this.options.monotonic() - this.#lastWriteMs + this.options.tickMs / 2 < interval) return;
    this.#lastWriteMs = this.options.monotonic();
    this.#writeMemo();
    if (!this.#retryHeld() || !open || this.options.saveEveryMs === null) return;
    this.#save(open.seg, open.minuteSec);
  }

  /** Segments with a minute still to write. */
  segments(): SegmentState[] {
    return [...this.#minutes].map((m) => m.seg);
  }

  /** Minutes still to write, with their latest values. */
  minutes(): MinuteRef[] {
    return [...this.#minutes];
  }

  /** The segment's time was removed: none of its minutes is written any more. */
  drop(seg: SegmentState): void {
    for (const held of this.#minutes) if (held.seg === seg) this.#minutes.delete(held);
  }

  /** Writes the held minutes, oldest first; false as soon as the store refuses one (the rest wait for the next try). */
  #retryHeld(): boolean {
    for (const failed of [...this.#minutes]) {
      // After one refusal (a full disk) the others wait: one try and one report per interval.
      this.#minutes.delete(failed);
      if (!this.#write(failed.seg, failed.minuteSec)) return false;
    }
    return true;
  }

  /**
   * Saves the open minute: no minuteFlushed (the minute is not done; the CLI prints one line per minute), and a
   * refusal is neither held nor reported, since the minute's own write at its end will be, and holds it.
   */
  #save(seg: SegmentState, minuteSec: number): void {
    if (seg.timeRemoved || !seg.hasMinute(minuteSec)) return;
    const minute = seg.bucket(minuteSec);
    if (minute.trackedMs === 0 && minute.keyboard + minute.mouse === 0) return;
    try {
      this.storeSegment(seg);
      this.sink.saveMinute(seg.id, minute, seg.minuteApps(minuteSec));
    } catch {
      // Retried at the next save, and written (or held and reported) when the minute ends.
    }
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
