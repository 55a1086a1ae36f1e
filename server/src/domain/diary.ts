import type { Clock } from '../../../src/shared/clock.js';
import type { Diary, DiarySegment } from '../../../src/shared/protocol/api/index.js';
import { badRequest } from '../errors.js';
import type { ContractRow, Repositories, ScreenshotRow } from '../repository/index.js';
import { DAY_MS, parseIso, toIso } from '../support/time.js';
import { toPolicyVersion } from './policies.js';

const DEFAULT_SPAN_MS = 7 * DAY_MS;
const MAX_SPAN_MS = 366 * DAY_MS;

/** The window a diary request asks for: [from, to), a week up to now by default, at most a year. */
export function diaryWindow(query: { from?: string; to?: string }, now: number): { from: number; to: number } {
  const to = query.to === undefined ? now : parseIso(query.to);
  const from = query.from === undefined ? (to ?? now) - DEFAULT_SPAN_MS : parseIso(query.from);
  if (from === undefined || to === undefined) throw badRequest('VALIDATION_FAILED', 'from and to must be ISO 8601 UTC times');
  if (from >= to) throw badRequest('VALIDATION_FAILED', 'from must be before to');
  if (to - from > MAX_SPAN_MS) throw badRequest('VALIDATION_FAILED', 'ask for at most 366 days at a time');
  return { from, to };
}

/**
 * GET /contracts/{id}/diary: segments starting in the window with their screenshot (or what is left
 * of it), the totals, and the whole policy history. Billable time is the tracked time of segments the
 * freelancer did not strip of their evidence.
 */
export async function buildDiary(repos: Repositories, clock: Clock, contract: ContractRow, query: { from?: string; to?: string }): Promise<Diary> {
  const { from, to } = diaryWindow(query, clock.now());
  const segments = await repos.segments.listInRange(contract.id, from, to);
  const shots = new Map<string, ScreenshotRow>();
  for (const s of await repos.screenshots.listForSegments(segments.map((s) => s.id))) shots.set(s.segmentId, s);
  const history = await repos.contracts.policyHistory(contract.id);
  const retentionDays = history.at(-1)?.retentionDays ?? 0;

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
      policyVersion: segment.policyVersion,
      billable: segment.billable,
      screenshot:
        shot && !removed
          ? {
              id: shot.id,
              takenAt: toIso(shot.takenAt),
              expiresAt: toIso(shot.takenAt + retentionDays * DAY_MS),
              url: `/api/v1/screenshots/${shot.id}`,
            }
          : null,
      screenshotRemoved: removed,
    };
  });
  return {
    contractId: contract.id,
    from: toIso(from),
    to: toIso(to),
    segments: entries,
    totals: {
      trackedSeconds: entries.reduce((sum, s) => sum + s.trackedSeconds, 0),
      billableSeconds: entries.reduce((sum, s) => sum + (s.billable ? s.trackedSeconds : 0), 0),
    },
    policyHistory: history.map((v) => toPolicyVersion(contract, v)),
  };
}
