import type { AppUsage, MinuteRecord, SegmentUpload } from '../../../src/shared/protocol/index.js';
import type { SegmentRow } from '../repository/index.js';

export type MergeResult = 'created' | 'extended' | 'updated' | 'unchanged';

/**
 * Folds an upload into what is stored for the same segment. The agent's record of a segment only
 * grows while it is being tracked, so every upload is a snapshot of one growing record:
 *
 *   upload 1: minutes 0-3, tracked 180 s   ─┐
 *   upload 1 again (a retry)               ─┼─> stored: minutes 0-6, tracked 360 s (not 540)
 *   upload 2: minutes 0-6, tracked 360 s   ─┘
 *
 * So values are merged by taking the larger snapshot, never by adding: retries change nothing and
 * time is never counted twice. A minute present in both keeps the copy with more tracked seconds
 * (the upload's on a tie, so a same-size correction wins). The server never shrinks a segment.
 */
export function mergeSegment(existing: SegmentRow, upload: SegmentUpload, now: number): { row: SegmentRow; result: MergeResult } {
  const incomingWins = upload.trackedSeconds >= existing.trackedSeconds;
  const row: SegmentRow = {
    ...existing,
    trackedSeconds: Math.max(existing.trackedSeconds, upload.trackedSeconds),
    idleSeconds: incomingWins ? upload.idleSeconds : existing.idleSeconds,
    memo: upload.memo ?? existing.memo,
    minutes: mergeMinutes(existing.minutes, upload.minutes),
    apps: mergeApps(existing.apps, upload.apps),
    policyVersion: upload.policyVersion ?? existing.policyVersion,
    updatedAt: now,
  };
  return { row, result: classify(existing, row) };
}

function classify(before: SegmentRow, after: SegmentRow): MergeResult {
  if (after.trackedSeconds > before.trackedSeconds || after.minutes.length > before.minutes.length) return 'extended';
  const same =
    after.idleSeconds === before.idleSeconds &&
    after.memo === before.memo &&
    after.policyVersion === before.policyVersion &&
    JSON.stringify(after.minutes) === JSON.stringify(before.minutes) &&
    JSON.stringify(after.apps) === JSON.stringify(before.apps);
  return same ? 'unchanged' : 'updated';
}

export function mergeMinutes(stored: readonly MinuteRecord[], incoming: readonly MinuteRecord[]): MinuteRecord[] {
  const byStart = new Map<string, MinuteRecord>();
  for (const m of stored) byStart.set(m.startedAt, m);
  for (const m of incoming) {
    const old = byStart.get(m.startedAt);
    if (!old || m.trackedSeconds >= old.trackedSeconds) byStart.set(m.startedAt, m);
  }
  return [...byStart.values()].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
}

export function mergeApps(stored: readonly AppUsage[], incoming: readonly AppUsage[]): AppUsage[] {
  const key = (a: AppUsage) => `${a.app}\u0000${a.title}`;
  const merged = new Map<string, AppUsage>();
  for (const a of [...stored, ...incoming]) {
    const old = merged.get(key(a));
    if (!old || a.seconds > old.seconds) merged.set(key(a), a);
  }
  return [...merged.values()].sort((a, b) => b.seconds - a.seconds || key(a).localeCompare(key(b)));
}

/**
 * Why an upload cannot be a segment of this contract, or null when it can. Segments tile the wall
 * clock: start = floor(t / L) × L with L the contract's segment length, minutes inside the segment.
 */
export function segmentProblem(upload: SegmentUpload, segmentSeconds: number, now: number, futureSlackMs: number): string | null {
  const start = Date.parse(upload.startedAt);
  const lengthMs = upload.lengthSeconds * 1000;
  if (upload.lengthSeconds !== segmentSeconds) return `lengthSeconds must be the contract's segmentSeconds (${segmentSeconds})`;
  if (start % lengthMs !== 0) return `startedAt must be a multiple of ${upload.lengthSeconds} s since the epoch`;
  if (start > now + futureSlackMs) return 'startedAt lies in the future';
  if (upload.trackedSeconds > upload.lengthSeconds) return 'trackedSeconds exceeds the segment length';
  if (upload.idleSeconds > upload.trackedSeconds) return 'idleSeconds exceeds trackedSeconds';
  const seen = new Set<number>();
  let minuteSeconds = 0;
  for (const m of upload.minutes) {
    const at = Date.parse(m.startedAt);
    if (at % 60_000 !== 0 || at < start || at >= start + lengthMs) return `minute ${m.startedAt} is not a minute of this segment`;
    if (seen.has(at)) return `minute ${m.startedAt} appears twice`;
    seen.add(at);
    minuteSeconds += m.trackedSeconds;
  }
  // One second per minute of slack: the agent rounds each minute's milliseconds on its own.
  if (minuteSeconds > upload.trackedSeconds + upload.minutes.length) return "the minutes' tracked seconds exceed trackedSeconds";
  if (upload.screenshot) {
    const taken = Date.parse(upload.screenshot.takenAt);
    if (taken < start || taken >= start + lengthMs) return 'the screenshot was taken outside this segment';
  }
  return null;
}
