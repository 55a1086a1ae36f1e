import { MAX_SEGMENT_APPS, type AppUsage, type MinuteRecord, type SegmentUpload } from '../../../src/shared/protocol/index.js';
import type { SegmentRow } from '../repository/index.js';

export type MergeResult = 'created' | 'extended' | 'reduced' | 'updated' | 'unchanged';

/** What to do with an upload of a segment the server holds: store `row` (when `write`), or refuse it. */
export type Fold =
  | { readonly kind: 'stored'; readonly row: SegmentRow; readonly result: MergeResult; readonly write: boolean }
  | { readonly kind: 'conflict'; readonly message: string };

/**
 * The rule for an upload of a known segment. The agent is the segment's only author; an agent that keeps
 * revisions raises the segment's revision on every local change, so the highest revision is its latest
 * record, whole — including a smaller one (idle time discarded, time deleted with a screenshot):
 *
 *   held \ upload   none           lower        same                          higher
 *   none             max-merge      -            -                             replace
 *   r                unchanged      unchanged    unchanged, or 409 if it       replace
 *                                                differs from what is held
 *
 * "unchanged" answers with what is held. An upload without a revision once one is held is older than
 * any revision (an agent is either old or new; a stale request must not grow a shrunk segment back).
 * Billable is never touched here: only a screenshot deletion changes it. Nor is the policy version
 * content: the server derives it from the policy history (segmentPolicyVersion), whatever the agent says.
 */
export function foldUpload(existing: SegmentRow, upload: SegmentUpload, now: number): Fold {
  const held = existing.revision;
  const incoming = upload.revision ?? null;
  if (incoming === null && held === null) {
    const merged = mergeSegment(existing, upload, now);
    return { kind: 'stored', ...merged, write: merged.result !== 'unchanged' };
  }
  if (incoming === null || (held !== null && incoming < held)) return { kind: 'stored', row: existing, result: 'unchanged', write: false };
  const replacement = replaceSegment(existing, upload, incoming, now);
  if (incoming === held) {
    if (sameContent(existing, replacement)) return { kind: 'stored', row: existing, result: 'unchanged', write: false };
    return { kind: 'conflict', message: `revision ${incoming} of this segment was uploaded before with other content` };
  }
  return { kind: 'stored', row: replacement, result: classify(existing, replacement), write: true };
}

/** The upload as the whole new content of the segment (minutes in time order, as on creation). */
function replaceSegment(existing: SegmentRow, upload: SegmentUpload, revision: number, now: number): SegmentRow {
  return {
    ...existing,
    trackedSeconds: upload.trackedSeconds,
    idleSeconds: upload.idleSeconds,
    memo: upload.memo,
    minutes: sortMinutes(upload.minutes),
    apps: upload.apps,
    policyVersion: upload.policyVersion,
    revision,
    screenshotSkipped: upload.screenshotSkipped ?? null,
    updatedAt: now,
  };
}

export const sortMinutes = (minutes: readonly MinuteRecord[]): MinuteRecord[] =>
  [...minutes].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));

/**
 * Folds an upload without a revision (an older agent) into what is stored for the same segment. Such an
 * agent's uploads are treated as snapshots of one growing record:
 *
 *   upload 1: minutes 0-3, tracked 180 s   ─┐
 *   upload 1 again (a retry)               ─┼─> stored: minutes 0-6, tracked 360 s (not 540)
 *   upload 2: minutes 0-6, tracked 360 s   ─┘
 *
 * So values are merged by taking the larger snapshot, never by adding: retries change nothing and
 * time is never counted twice. A minute present in both keeps the copy with more tracked seconds
 * (the upload's on a tie, so a same-size correction wins). This merge never shrinks a segment, which
 * is why agents send revisions (foldUpload).
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
    screenshotSkipped: upload.screenshotSkipped ?? existing.screenshotSkipped,
    updatedAt: now,
  };
  return { row, result: classify(existing, row) };
}

function classify(before: SegmentRow, after: SegmentRow): MergeResult {
  if (after.trackedSeconds !== before.trackedSeconds) return after.trackedSeconds > before.trackedSeconds ? 'extended' : 'reduced';
  if (after.minutes.length !== before.minutes.length) return after.minutes.length > before.minutes.length ? 'extended' : 'reduced';
  return sameContent(before, after) ? 'unchanged' : 'updated';
}

/** Equal in everything an upload sets (field by field, so the order of keys in stored JSON cannot matter). */
function sameContent(a: SegmentRow, b: SegmentRow): boolean {
  return contentKey(a) === contentKey(b);
}

function contentKey(row: SegmentRow): string {
  return JSON.stringify([
    row.trackedSeconds,
    row.idleSeconds,
    row.memo,
    row.screenshotSkipped,
    sortMinutes(row.minutes).map((m) => [Date.parse(m.startedAt), m.trackedSeconds, m.keyboard, m.mouse, m.active, m.idle]),
    row.apps.map((a) => [a.app, a.title, a.seconds]).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
  ]);
}

/** Minutes keyed by instant, not by text: `…:00Z` and `…:00.000Z` are one minute. */
export function mergeMinutes(stored: readonly MinuteRecord[], incoming: readonly MinuteRecord[]): MinuteRecord[] {
  const byStart = new Map<number, MinuteRecord>();
  for (const m of stored) byStart.set(Date.parse(m.startedAt), m);
  for (const m of incoming) {
    const at = Date.parse(m.startedAt);
    const old = byStart.get(at);
    if (!old || m.trackedSeconds >= old.trackedSeconds) byStart.set(at, m);
  }
  return sortMinutes([...byStart.values()]);
}

/**
 * The union of two app lists, each app and title once with its larger seconds, capped at MAX_SEGMENT_APPS
 * (the ones with the most seconds stay): snapshots from an older agent could otherwise grow it without end.
 */
export function mergeApps(stored: readonly AppUsage[], incoming: readonly AppUsage[]): AppUsage[] {
  const key = (a: AppUsage) => `${a.app}\u0000${a.title}`;
  const merged = new Map<string, AppUsage>();
  for (const a of [...stored, ...incoming]) {
    const old = merged.get(key(a));
    if (!old || a.seconds > old.seconds) merged.set(key(a), a);
  }
  return [...merged.values()].sort((a, b) => b.seconds - a.seconds || key(a).localeCompare(key(b))).slice(0, MAX_SEGMENT_APPS);
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
  // One second per minute of slack: the agent rounds each minute's milliseconds on its own. Both ways:
  // billed time must lie in minute records, where the rule that bills a minute once can see it.
  if (minuteSeconds > upload.trackedSeconds + upload.minutes.length) return "the minutes' tracked seconds exceed trackedSeconds";
  if (upload.trackedSeconds > minuteSeconds + upload.minutes.length) return "trackedSeconds exceeds what the segment's minutes record";
  if (upload.screenshot) {
    const taken = Date.parse(upload.screenshot.takenAt);
    if (taken < start || taken >= start + lengthMs) return 'the screenshot was taken outside this segment';
  }
  return null;
}
