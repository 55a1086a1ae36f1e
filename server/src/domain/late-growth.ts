import { ulid } from 'ulid';
import type { AppUsage, MinuteRecord } from '../../../src/shared/protocol/index.js';
import type { ContractRow, RepositorySet, SegmentRow } from '../repository/index.js';
import { awaitsLateApproval } from './late-approval.js';
import type { MergeResult } from './segment-merge.js';

/**
 * A segment of an approved week that grows after the approval: its agent uploaded part of the segment, the week was
 * approved, and the rest of the segment arrives later (the agent was offline). The approved record does not change, and
 * the added time is not lost either: it is stored as a late part of the segment, a segment row of its own over the same
 * window (late_part_of), marked late like any segment that reached the server after the approval (late-segments.ts):
 * out of the approved totals, shown under the week's `late`, approved by the client apart, disputable on its own.
 *
 *   window     |09:00 ─────────────────────────────────────── 09:10|
 *   approved   [m0 m1 m2]                                            the record: never changes
 *   revision 2 [m0 m1 m2 m3 m4]          -> late part A: [m3 m4]     (A waits for the client)
 *   revision 3 [m0 m1 m2 m3 m4 m5]       -> late part A: [m3 m4 m5]  (extended while A waits)
 *   A approved; revision 4 [m0 … m5 m6]  -> late part B: [m6]        (A is part of the record now)
 *   a retry of any of these              -> unchanged
 *   a minute of the record changed, removed, or a new minute before its last one -> 409 WEEK_APPROVED
 *
 * The record is the segment and its approved parts; the upload is judged, whole, against it (growthOf below). Only
 * minutes after the record's last one count as growth: time inside the record is what the client approved, so an
 * upload that reads differently there changes the approved record, and is refused.
 */

/** What an upload of a segment whose week is approved would do to the approved record. */
export type Growth =
  | { readonly kind: 'none' }
  | { readonly kind: 'grown'; readonly part: Pick<SegmentRow, 'trackedSeconds' | 'idleSeconds' | 'minutes' | 'apps'> }
  | { readonly kind: 'changed'; readonly why: string };

const minuteKey = (m: MinuteRecord) => Date.parse(m.startedAt);
const sameMinute = (a: MinuteRecord, b: MinuteRecord) =>
  a.trackedSeconds === b.trackedSeconds && a.keyboard === b.keyboard && a.mouse === b.mouse && a.active === b.active && a.idle === b.idle;

/** The upload (`revised`, folded as any revision is) against the record: the segment and its approved late parts. */
export function growthOf(record: readonly SegmentRow[], revised: Pick<SegmentRow, 'trackedSeconds' | 'idleSeconds' | 'minutes' | 'apps'>): Growth {
  const uploaded = new Map(revised.minutes.map((m) => [minuteKey(m), m]));
  let lastApproved = Number.NEGATIVE_INFINITY;
  for (const minute of record.flatMap((s) => s.minutes)) {
    const now = uploaded.get(minuteKey(minute));
    if (!now) return { kind: 'changed', why: `approved minute ${minute.startedAt} is missing` };
    if (!sameMinute(minute, now)) return { kind: 'changed', why: `approved minute ${minute.startedAt} reads differently` };
    uploaded.delete(minuteKey(minute));
    lastApproved = Math.max(lastApproved, minuteKey(minute));
  }
  const added = [...uploaded.values()].sort((a, b) => minuteKey(a) - minuteKey(b));
  const early = added.find((m) => minuteKey(m) < lastApproved);
  if (early) return { kind: 'changed', why: `minute ${early.startedAt} comes before the last approved one` };
  const trackedSeconds = revised.trackedSeconds - sum(record, (s) => s.trackedSeconds);
  const idleSeconds = revised.idleSeconds - sum(record, (s) => s.idleSeconds);
  if (added.length === 0 && trackedSeconds === 0 && idleSeconds === 0) return { kind: 'none' };
  if (added.length === 0 || trackedSeconds < 0 || idleSeconds < 0) return { kind: 'changed', why: 'the approved time would change' };
  return { kind: 'grown', part: { trackedSeconds, idleSeconds, minutes: added, apps: addedApps(record, revised.apps) } };
}

function sum(rows: readonly SegmentRow[], of: (row: SegmentRow) => number): number {
  return rows.reduce((total, row) => total + of(row), 0);
}

/** The seconds each window gained over the record (the agent's apps are totals for the whole segment). */
function addedApps(record: readonly SegmentRow[], apps: readonly AppUsage[]): AppUsage[] {
  const approved = new Map<string, number>();
  for (const a of record.flatMap((s) => s.apps)) approved.set(JSON.stringify([a.app, a.title]), (approved.get(JSON.stringify([a.app, a.title])) ?? 0) + a.seconds);
  return apps
    .map((a) => ({ ...a, seconds: a.seconds - (approved.get(JSON.stringify([a.app, a.title])) ?? 0) }))
    .filter((a) => a.seconds > 0);
}

/** What the upload path stores for a growth: a new late part, or the waiting one changed; or nothing. */
export type LatePartWrite =
  | { readonly kind: 'insert' | 'update'; readonly row: SegmentRow; readonly held: SegmentRow | undefined; readonly result: MergeResult }
  | { readonly kind: 'unchanged'; readonly held: Pick<SegmentRow, 'trackedSeconds' | 'minutes' | 'revision'> }
  | { readonly kind: 'changed'; readonly why: string }
  | { readonly kind: 'revision-conflict'; readonly revision: number };

/**
 * Inside the upload's transaction, holding the contract: what `revised` (the segment as the upload would make it)
 * does to `segment`, whose week is approved and which is part of the record. A late part waiting for the client is
 * rewritten whole by a newer revision (as a late segment is, until approved); a repeat changes nothing.
 */
export async function latePartWrite(tx: RepositorySet, contract: Pick<ContractRow, 'id' | 'timeZone'>, segment: SegmentRow, revised: SegmentRow, now: number): Promise<LatePartWrite> {
  const parts = await tx.segments.lateParts(segment.id);
  // At most one waits: a growth while one waits extends it. Approved by the client or by its date, it is in the record.
  let waiting: SegmentRow | undefined;
  for (const part of parts) if (await awaitsLateApproval(tx, now, contract, part)) waiting = part;
  const record = [segment, ...parts.filter((p) => p !== waiting)];
  const growth = growthOf(record, revised);
  const highest = Math.max(...[segment, ...parts].map((s) => s.revision ?? 0));
  // What the server holds of the segment, its parts included: the answer to a repeat.
  const unchanged: LatePartWrite = {
    kind: 'unchanged',
    held: { trackedSeconds: sum([segment, ...parts], (s) => s.trackedSeconds), minutes: [segment, ...parts].flatMap((s) => s.minutes), revision: highest || null },
  };
  if (growth.kind === 'changed') return growth;
  if (growth.kind === 'none') {
    // The record itself, again: a retry once the part it added was approved. With a part waiting, an older revision.
    if (!waiting || (revised.revision ?? 0) <= (waiting.revision ?? 0)) return unchanged;
    return { kind: 'changed', why: 'the time added after the approval would be taken back' };
  }
  const incoming = revised.revision;
  if (incoming !== null && incoming < highest) return unchanged;
  if (waiting && sameTime(waiting, growth.part)) return unchanged;
  if (incoming !== null && incoming === highest) return { kind: 'revision-conflict', revision: incoming };
  const content = { ...growth.part, memo: revised.memo, revision: incoming, policyVersion: revised.policyVersion, updatedAt: now };
  if (waiting) return { kind: 'update', row: { ...waiting, ...content }, held: waiting, result: growth.part.trackedSeconds >= waiting.trackedSeconds ? 'extended' : 'reduced' };
  const row: SegmentRow = {
    ...segment,
    ...content,
    id: ulid(now),
    screenshotSkipped: null,
    createdAt: now,
    arrivedAfterApprovalAt: now,
    lateApprovedAt: null,
    lateApprovedBy: null,
    latePartOf: segment.id,
  };
  return { kind: 'insert', row, held: undefined, result: 'extended' };
}

function sameTime(a: Pick<SegmentRow, 'trackedSeconds' | 'idleSeconds' | 'minutes'>, b: Pick<SegmentRow, 'trackedSeconds' | 'idleSeconds' | 'minutes'>): boolean {
  return (
    a.trackedSeconds === b.trackedSeconds &&
    a.idleSeconds === b.idleSeconds &&
    a.minutes.length === b.minutes.length &&
    a.minutes.every((m, i) => minuteKey(m) === minuteKey(b.minutes[i]!) && sameMinute(m, b.minutes[i]!))
  );
}
