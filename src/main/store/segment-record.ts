import type { MinuteRecord, ScreenshotRef, ScreenshotSkipReason, SegmentRecord } from '../../shared/protocol/index.js';
import type { AppTime, MinuteBucket, SegmentHeader, StoredSegment } from '../tracking/ports.js';

/**
 * Row shapes of the segment tables and their mapping to the tracker's StoredSegment and the shared
 * SegmentRecord. Rounding happens per minute (in SQL: `(ms + 500) / 1000`, the same as Math.round for
 * non-negative integers) and segment totals are sums of those rounded minutes, so the minutes of a
 * record always add up to its trackedSeconds exactly.
 */

export interface SegmentRow {
  id: string;
  contract_id: string;
  started_at: number;
  length_s: number;
  memo: string | null;
  policy_version: number | null;
  /** 1 once the freelancer deleted the segment's screenshot and with it the segment's time. */
  time_removed: number;
  /** Raised on every local change of the segment; the server keeps the highest revision whole. */
  revision: number;
  /** Set when the segment's screenshot was skipped for privacy. */
  screenshot_skipped: ScreenshotSkipReason | null;
}

/** A segment row with the totals derived from its minutes. */
export interface SegmentSummaryRow extends SegmentRow {
  tracked_s: number;
  idle_s: number;
}

export interface MinuteRow {
  started_at: number;
  tracked_ms: number;
  tracked_s: number;
  idle: number;
  keyboard: number;
  mouse: number;
}

export interface AppRow {
  app: string;
  title: string;
  ms: number;
}

export interface MinuteAppRow extends AppRow {
  minute_at: number;
}

export interface ScreenshotRefRow {
  id: string;
  taken_at: number;
  width: number;
  height: number;
  bytes: number;
  redacted_windows: number;
}

/** Limits of the shared schema (appUsageSchema, segmentRecordSchema). */
export const MAX_APP_CHARS = 256;
export const MAX_TITLE_CHARS = 1024;
export const MAX_APPS_PER_SEGMENT = 500;
export const MAX_MEMO_CHARS = 2000;

export const isoFromSeconds = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();
export const isoFromMillis = (epochMs: number): string => new Date(epochMs).toISOString();

export function toHeader(row: SegmentRow): SegmentHeader {
  return {
    id: row.id,
    contractId: row.contract_id,
    startedAt: row.started_at,
    lengthSeconds: row.length_s,
    memo: row.memo,
    policyVersion: row.policy_version,
  };
}

export function toStoredSegment(row: SegmentRow, minutes: MinuteRow[], apps: MinuteAppRow[], hasScreenshot: boolean): StoredSegment {
  return {
    header: toHeader(row),
    minutes: minutes.map(
      (m): MinuteBucket => ({
        startedAt: m.started_at,
        trackedMs: m.tracked_ms,
        keyboard: m.keyboard,
        mouse: m.mouse,
        idle: m.idle === 1,
      }),
    ),
    apps: apps.map((a) => ({ minuteAt: a.minute_at, app: a.app, title: a.title, ms: a.ms })),
    hasScreenshot,
    // Only said when true: the port's field is optional, absent meaning false.
    ...(row.time_removed === 1 ? { timeRemoved: true } : {}),
  };
}

export function toSegmentRecord(
  row: SegmentSummaryRow,
  minutes: MinuteRow[],
  apps: AppRow[],
  screenshot: ScreenshotRefRow | undefined,
): SegmentRecord {
  return {
    id: row.id,
    contractId: row.contract_id,
    startedAt: isoFromSeconds(row.started_at),
    lengthSeconds: row.length_s,
    trackedSeconds: row.tracked_s,
    idleSeconds: row.idle_s,
    memo: row.memo,
    minutes: minutes.map(
      (m): MinuteRecord => ({
        startedAt: isoFromSeconds(m.started_at),
        trackedSeconds: m.tracked_s,
        keyboard: m.keyboard,
        mouse: m.mouse,
        active: m.keyboard + m.mouse > 0,
        idle: m.idle === 1,
      }),
    ),
    // Apps arrive largest first and capped at MAX_APPS_PER_SEGMENT by the query.
    apps: apps.map((a) => ({ app: a.app, title: a.title, seconds: Math.round(a.ms / 1000) })),
    screenshot: screenshot ? toScreenshotRef(screenshot) : null,
    ...(row.screenshot_skipped === null ? {} : { screenshotSkipped: row.screenshot_skipped }),
  };
}

function toScreenshotRef(row: ScreenshotRefRow): ScreenshotRef {
  const ref = { id: row.id, takenAt: isoFromMillis(row.taken_at), width: row.width, height: row.height, bytes: row.bytes };
  return row.redacted_windows > 0 ? { ...ref, redactedWindows: row.redacted_windows } : ref;
}

/**
 * Cuts app names and titles to the shared schema's limits and folds entries that become equal, so the
 * (segment, app, title) key still holds and no milliseconds are lost.
 */
export function normaliseApps(apps: readonly AppTime[]): AppRow[] {
  const merged = new Map<string, AppRow>();
  for (const entry of apps) {
    const app = clipText(entry.app, MAX_APP_CHARS);
    const title = clipText(entry.title, MAX_TITLE_CHARS);
    const key = `${app}\u0000${title}`;
    const ms = Math.max(0, Math.round(entry.ms));
    const seen = merged.get(key);
    if (seen) seen.ms += ms;
    else merged.set(key, { app, title, ms });
  }
  return [...merged.values()];
}

/** Cuts to `max` UTF-16 units without leaving half of a surrogate pair (an emoji in a title) behind. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
