import { MINUTE_MS } from '../../shared/time/index.js';
import type { WindowSample } from '../sensors/types.js';
import type { AppTime, MinuteBucket, SegmentHeader, StoredSegment } from './ports.js';

/** What the store and the protocol can hold (see src/shared/protocol/segment.ts). */
const MAX_APP_LENGTH = 256;
const MAX_TITLE_LENGTH = 1024;
/** The app name recorded for time whose window was unknown (no sample yet, null, or an error). */
export const UNKNOWN_APP = '(unknown)';

interface MinuteTally {
  readonly startedAt: number;
  trackedMs: number;
  keyboard: number;
  mouse: number;
  idle: boolean;
}

/**
 * The in-memory picture of the open segment: minute tallies and each minute's app time with absolute values,
 * so that every flush is an idempotent upsert of one minute. A segment continued after a restart starts from
 * what was stored and adds to it. App time belongs to its minute, here as in the store: a minute forgotten (a
 * discarded idle stretch) takes its window titles with it.
 */
export class SegmentState {
  readonly continued: boolean;
  hasScreenshot: boolean;
  readonly #minutes = new Map<number, MinuteTally>();
  /** minute start (epoch s) -> (app, title) key -> app time in that minute. */
  readonly #appsByMinute = new Map<number, Map<string, { app: string; title: string; ms: number }>>();
  #header: SegmentHeader;
  #timeRemoved = false;

  private constructor(header: SegmentHeader, continued: boolean, hasScreenshot: boolean) {
    this.#header = header;
    this.continued = continued;
    this.hasScreenshot = hasScreenshot;
  }

  static opened(header: SegmentHeader): SegmentState {
    return new SegmentState(header, false, false);
  }

  static continuedFrom(stored: StoredSegment): SegmentState {
    const state = new SegmentState(stored.header, true, stored.hasScreenshot);
    if (stored.timeRemoved === true) {
      state.removeTime();
      return state;
    }
    for (const m of stored.minutes) state.#minutes.set(m.startedAt, { ...m });
    for (const a of stored.apps) state.#addAppTime(a.minuteAt, a.app, a.title, a.ms);
    return state;
  }

  get header(): SegmentHeader {
    return this.#header;
  }

  get id(): string {
    return this.#header.id;
  }

  /** The freelancer changed the memo while this segment is open: it applies to the whole segment. */
  setMemo(memo: string | null): void {
    this.#header = { ...this.#header, memo };
  }

  get startMs(): number {
    return this.header.startedAt * 1000;
  }

  get endMs(): number {
    return (this.header.startedAt + this.header.lengthSeconds) * 1000;
  }

  /** True once the freelancer deleted this segment's screenshot: it credits nothing more until it ends. */
  get timeRemoved(): boolean {
    return this.#timeRemoved;
  }

  /**
   * Drops all of this segment's time and input and refuses any more. Counts as having had its screenshot, so a
   * segment continued after a restart is never captured again.
   */
  removeTime(): void {
    this.#minutes.clear();
    this.#appsByMinute.clear();
    this.#timeRemoved = true;
    this.hasScreenshot = true;
  }

  containsMs(tMs: number): boolean {
    return tMs >= this.startMs && tMs < this.endMs;
  }

  /** The tally of a minute, created (flagged idle or not) on first use. */
  touch(minuteSec: number, idle: boolean): void {
    if (!this.#minutes.has(minuteSec)) {
      this.#minutes.set(minuteSec, { startedAt: minuteSec, trackedMs: 0, keyboard: 0, mouse: 0, idle });
    }
  }

  /** Adds worked ms to a minute; returns what was added (a minute never holds more than a minute). */
  credit(minuteSec: number, ms: number, window: WindowSample | null): number {
    const minute = this.#tally(minuteSec);
    if (this.#timeRemoved) return 0;
    const added = Math.min(ms, MINUTE_MS - minute.trackedMs);
    if (added <= 0) return 0;
    minute.trackedMs += added;
    const app = window ? truncate(window.app, MAX_APP_LENGTH) || UNKNOWN_APP : UNKNOWN_APP;
    const title = window ? truncate(window.title, MAX_TITLE_LENGTH) : '';
    this.#addAppTime(minuteSec, app, title, added);
    return added;
  }

  count(minuteSec: number, keyboard: number, mouse: number): void {
    const minute = this.#tally(minuteSec);
    if (this.#timeRemoved) return;
    minute.keyboard += keyboard;
    minute.mouse += mouse;
  }

  setIdle(fromSec: number, toSec: number, idle: boolean): void {
    for (const minute of this.#minutes.values()) {
      if (minute.startedAt >= fromSec && minute.startedAt < toSec) minute.idle = idle;
    }
  }

  /** Removes the minutes starting in [fromSec, toSec) and their app time (a discarded idle stretch). */
  forget(fromSec: number, toSec: number): void {
    for (const key of [...this.#minutes.keys()]) {
      if (key < fromSec || key >= toSec) continue;
      this.#minutes.delete(key);
      this.#appsByMinute.delete(key);
    }
  }

  hasMinute(minuteSec: number): boolean {
    return this.#minutes.has(minuteSec);
  }

  bucket(minuteSec: number): MinuteBucket {
    const m = this.#tally(minuteSec);
    return { startedAt: m.startedAt, trackedMs: m.trackedMs, keyboard: m.keyboard, mouse: m.mouse, idle: m.idle };
  }

  /** The app time of one minute, as flushMinute writes it. */
  minuteApps(minuteSec: number): AppTime[] {
    return [...(this.#appsByMinute.get(minuteSec)?.values() ?? [])].map((a) => ({ ...a }));
  }

  trackedMs(): number {
    let sum = 0;
    for (const m of this.#minutes.values()) sum += m.trackedMs;
    return sum;
  }

  /** Minutes with any input: the segment's activity level. */
  activeMinutes(): number {
    let n = 0;
    for (const m of this.#minutes.values()) if (m.keyboard + m.mouse > 0) n += 1;
    return n;
  }

  #addAppTime(minuteSec: number, app: string, title: string, ms: number): void {
    const apps = this.#appsByMinute.get(minuteSec) ?? new Map<string, { app: string; title: string; ms: number }>();
    const key = appKey(app, title);
    const entry = apps.get(key) ?? { app, title, ms: 0 };
    entry.ms += ms;
    apps.set(key, entry);
    this.#appsByMinute.set(minuteSec, apps);
  }

  #tally(minuteSec: number): MinuteTally {
    const minute = this.#minutes.get(minuteSec);
    if (!minute) throw new Error(`minute ${minuteSec} was not opened in segment ${this.header.id}`);
    return minute;
  }
}

function appKey(app: string, title: string): string {
  return `${app}\u0000${title}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}
