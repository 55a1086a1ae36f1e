import type { Clock } from '../../../src/shared/clock.js';
import type { Diary, DiaryQuery, DiarySegment } from '../../../src/shared/protocol/api/index.js';
import { badRequest } from '../errors.js';
import type { ContractRow, DisputeRow, Repositories, ScreenshotRow } from '../repository/index.js';
import type { SegmentCursor } from '../repository/segments.js';
import { DAY_MS, parseIso, toIso } from '../support/time.js';
import { toHistoryStatus, toPolicyVersion } from './policies.js';
import { segmentPolicyVersion } from './policy-history.js';
import { contractEnd, screenshotPurgeAt } from './retention.js';
import { contractTotals } from './totals.js';

const pick = ({ trackedSeconds, billableSeconds }: { trackedSeconds: number; billableSeconds: number }) => ({ trackedSeconds, billableSeconds });

const DEFAULT_SPAN_MS = 7 * DAY_MS;
const MAX_SPAN_MS = 366 * DAY_MS;

/** How big a diary page may be: the server's configuration. */
export interface DiaryPaging {
  /** Segments per page when the request names no limit. */
  readonly segments: number;
  /** A page stops adding segments once their stored text passes this many characters. */
  readonly chars: number;
}

/** The window a diary request asks for: [from, to), a week up to now by default, at most a year. */
export function diaryWindow(query: { from?: string; to?: string }, now: number): { from: number; to: number } {
  const to = query.to === undefined ? now : parseIso(query.to);
  const from = query.from === undefined ? (to ?? now) - DEFAULT_SPAN_MS : parseIso(query.from);
  if (from === undefined || to === undefined) throw badRequest('VALIDATION_FAILED', 'from and to must be ISO 8601 UTC times');
  if (from >= to) throw badRequest('VALIDATION_FAILED', 'from must be before to');
  if (to - from > MAX_SPAN_MS) throw badRequest('VALIDATION_FAILED', 'ask for at most 366 days at a time');
  return { from, to };
}

const disputeOf = (d: DisputeRow | undefined) => (d ? { note: d.note, at: toIso(d.disputedAt) } : null);

/** A page's nextCursor: the last segment's start (epoch ms) and id (diaryCursorSchema). */
const writeCursor = (c: SegmentCursor): string => `${c.startedAt}_${c.id}`;

function readCursor(text: string | undefined): SegmentCursor | null {
  if (text === undefined) return null;
  const [startedAt = '', id = ''] = text.split('_');
  return { startedAt: Number(startedAt), id };
}

/**
 * GET /contracts/{id}/diary: one page of the segments starting in the window, each with its screenshot
 * (or what is left of it), the totals of the whole window (summed by the database, whatever the page),
 * and the whole policy history. Pages are bounded in segments and in size, so a week of many segments
 * is a few pages, never one answer too large to build: the client follows `nextCursor`. Billable time
 * is the tracked time of segments the freelancer did not strip of their evidence.
 */
export async function buildDiary(repos: Repositories, clock: Clock, paging: DiaryPaging, contract: ContractRow, query: DiaryQuery): Promise<Diary> {
  const { from, to } = diaryWindow(query, clock.now());
  const page = await repos.segments.page(contract.id, from, to, readCursor(query.cursor), query.limit ?? paging.segments, paging.chars);
  const segments = page.rows;
  const shots = new Map<string, ScreenshotRow>();
  for (const s of await repos.screenshots.listForSegments(segments.map((s) => s.id))) shots.set(s.segmentId, s);
  const disputes = new Map((await repos.disputes.openForSegments(segments.map((s) => s.id))).map((d) => [d.segmentId, d]));
  const history = await repos.contracts.policyHistory(contract.id);
  const retentionDays = history.at(-1)?.retentionDays ?? 0;
  const end = contractEnd(contract);

  const entries = segments.map((segment): DiarySegment => {
    const shot = shots.get(segment.id);
    const removed = shot?.removedAt != null && shot.removedBy ? { by: shot.removedBy, at: toIso(shot.removedAt) } : null;
    return {
      id: segment.id,
      startedAt: toIso(segment.startedAt),
      lengthSeconds: segment.lengthSeconds,
      trackedSeconds: segment.trackedSeconds,
      idleSeconds: segment.idleSeconds,
      activeMinutes: segment.minutes.filter((m) => m.active).length,
      minutes: [...segment.minutes],
      apps: [...segment.apps],
      memo: segment.memo,
      // From the history, not the stored column: segments stored before the server derived it hold the
      // agent's word, which a freelancer could set to a version that read "Time only".
      policyVersion: segmentPolicyVersion(history, segment),
      billable: segment.billable,
      screenshot:
        shot && !removed
          ? {
              id: shot.id,
              takenAt: toIso(shot.takenAt),
              expiresAt: toIso(screenshotPurgeAt(shot.takenAt, retentionDays, end)),
              url: `/api/v1/screenshots/${shot.id}`,
              redactedWindows: shot.redactedWindows ?? 0,
            }
          : null,
      screenshotRemoved: removed,
      screenshotSkipped: segment.screenshotSkipped,
      dispute: disputeOf(disputes.get(segment.id)),
      arrivedAfterApproval: segment.arrivedAfterApprovalAt != null,
      latePartOf: segment.latePartOf ?? null,
    };
  });
  const last = segments.at(-1);
  return {
    contractId: contract.id,
    from: toIso(from),
    to: toIso(to),
    segments: entries,
    nextCursor: page.more && last ? writeCursor(last) : null,
    totals: pick(await contractTotals(repos, contract.id, from, to)),
    policyHistory: history.map((v) => toPolicyVersion(contract, v)),
    stateHistory: (await repos.contracts.stateHistory(contract.id)).map(toHistoryStatus),
  };
}
