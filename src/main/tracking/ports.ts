import type { PrivateListRead } from '../../shared/privacy/index.js';
import type { AppUsage, ScreenshotMode, ScreenshotSkipReason } from '../../shared/protocol/index.js';

/**
 * What the tracker needs from the outside world, as narrow ports. The store implements TrackingSink,
 * the capture pipeline implements ScreenshotTaker, the policy cache implements PolicySource.
 */

/** A segment as the tracker opens it. Times are epoch seconds (UTC). */
export interface SegmentHeader {
  readonly id: string;
  readonly contractId: string;
  readonly startedAt: number;
  readonly lengthSeconds: number;
  readonly memo: string | null;
  readonly policyVersion: number | null;
}

/** One minute bucket with absolute values (writes are idempotent upserts). */
export interface MinuteBucket {
  /** Epoch seconds, a multiple of 60. */
  readonly startedAt: number;
  /** Tracked milliseconds inside this minute, 0..60000. */
  readonly trackedMs: number;
  readonly keyboard: number;
  readonly mouse: number;
  readonly idle: boolean;
}

/** Milliseconds one (app, title) was the active window. */
export interface AppTime {
  readonly app: string;
  readonly title: string;
  readonly ms: number;
}

/** The app time of one stored minute (`minuteAt`: the minute's startedAt). */
export interface MinuteAppTime extends AppTime {
  readonly minuteAt: number;
}

/** What is already recorded for a segment, so a restarted agent continues instead of overwriting. */
export interface StoredSegment {
  readonly header: SegmentHeader;
  readonly minutes: readonly MinuteBucket[];
  /** App time per minute: the segment's app list is their sum, so it never outlives the minutes it came from. */
  readonly apps: readonly MinuteAppTime[];
  readonly hasScreenshot: boolean;
  /** The freelancer deleted its screenshot and with it its time: it credits nothing more (absent: false). */
  readonly timeRemoved?: boolean;
}

export interface TrackingSink {
  /** The segment of this contract starting at `startedAt`, if one was recorded before. */
  findSegment(contractId: string, startedAt: number): StoredSegment | null;
  /** Creates the segment (idempotent by id). */
  openSegment(header: SegmentHeader): void;
  /**
   * Writes a minute and that minute's own app time in one transaction, both absolute (they replace what the
   * minute held): this is the flush that bounds what a crash can lose to the current minute.
   */
  flushMinute(segmentId: string, minute: MinuteBucket, apps: readonly AppTime[]): void;
  /**
   * Saves the open minute as it stands: the same upsert as flushMinute (the minute's final write replaces it), in
   * one small transaction, so a crash loses at most the time since the last save. Not queued for upload by itself:
   * the minute's end queues it, and a store opened after a crash queues what was saved but not yet queued.
   */
  saveMinute(segmentId: string, minute: MinuteBucket, apps: readonly AppTime[]): void;
  /** Changes a recorded segment's memo at once (the freelancer edited it while the segment is open). */
  setMemo(segmentId: string, memo: string | null): void;
  /** Flags (keep) or removes (discard: with their app time) the minutes of this contract starting in [fromSec, toSec). */
  markIdle(contractId: string, fromSec: number, toSec: number): void;
  discardMinutes(contractId: string, fromSec: number, toSec: number): void;
}

export interface ScreenshotRequest {
  readonly segmentId: string;
  readonly contractId: string;
  /** Epoch ms of the capture moment. */
  readonly takenAt: number;
  readonly mode: Exclude<ScreenshotMode, 'off'>;
  readonly policyVersion: number | null;
}

/** A screenshot that was not taken, on purpose, for privacy (the segment records why). */
export interface ScreenshotSkipped {
  readonly skipped: ScreenshotSkipReason;
}

export interface ScreenshotTaker {
  /**
   * Captures, encodes, encrypts and stores. Resolves to the stored id, null when nothing was kept, or a skip when
   * privacy forbade the capture (a private window active where windows cannot be painted out, an unreadable list).
   */
  take(request: ScreenshotRequest): Promise<string | null | ScreenshotSkipped>;
}

/** The effective policy for tracking: null means unknown, and unknown means time only (fail closed). */
export interface TrackingPolicy {
  readonly screenshots: ScreenshotMode;
  readonly segmentSeconds: number;
  readonly version: number | null;
  /** The contract's private windows, as read from the policy (absent: none, as in local tracking). */
  readonly privateWindows?: PrivateListRead;
}

export interface PolicySource {
  current(): TrackingPolicy | null;
  /** Called on every change; returns an unsubscribe. */
  onChange(listener: (policy: TrackingPolicy | null) => void): () => void;
}

/** Decides what happens to an idle stretch when it ends (input again, or stop). */
export type IdleDecision = 'keep' | 'discard';
export interface IdleStretch {
  readonly contractId: string;
  /** Epoch seconds of the first idle minute and the end of the stretch. */
  readonly fromSec: number;
  readonly toSec: number;
}
export type IdleDecider = (stretch: IdleStretch) => IdleDecision | Promise<IdleDecision>;

export type { AppUsage };
